{{/*
Names and labels shared by every template.
*/}}

{{- define "sluice.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* "<release>-<chart>", or the release name alone when it already contains the chart name. */}}
{{- define "sluice.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's resources: (dict "root" $ "component" "scheduler") */}}
{{- define "sluice.componentName" -}}
{{- printf "%s-%s" (include "sluice.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "sluice.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "scheduler") */}}
{{- define "sluice.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sluice.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Standard labels: (dict "root" $ "component" "scheduler" ["version" "17.6"]) */}}
{{- define "sluice.labels" -}}
{{ include "sluice.selectorLabels" . }}
app.kubernetes.io/version: {{ default (include "sluice.imageTag" .root) .version | trunc 63 | quote }}
app.kubernetes.io/part-of: sluice
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ include "sluice.chart" .root }}
{{- end -}}

{{/* The Sluice image tag: image.tag or the chart's appVersion, never "latest" (the schema refuses it too). */}}
{{- define "sluice.imageTag" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag | toString -}}
{{- if eq $tag "latest" -}}
{{- fail "image.tag must name a release, not \"latest\"" -}}
{{- end -}}
{{- $tag -}}
{{- end -}}

{{/* One service's image: (dict "root" $ "service" "scheduler") */}}
{{- define "sluice.serviceImage" -}}
{{- $image := .root.Values.image -}}
{{- $repository := printf "%s%s" $image.repositoryPrefix .service -}}
{{- if $image.registry -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" $image.registry) $repository -}}
{{- end -}}
{{- printf "%s:%s" $repository (include "sluice.imageTag" .root) -}}
{{- end -}}

{{/* A dependency's image: the component's values (repository, tag). */}}
{{- define "sluice.dependencyImage" -}}
{{- if eq (toString .tag) "latest" -}}
{{- fail (printf "%s: image tag must name a release, not \"latest\"" .repository) -}}
{{- end -}}
{{- printf "%s:%s" .repository (toString .tag) -}}
{{- end -}}

{{/* One service's settings: values.defaults merged with values.services.<name>, as JSON. */}}
{{- define "sluice.serviceValues" -}}
{{- $defaults := deepCopy .root.Values.defaults -}}
{{- $own := deepCopy (index .root.Values.services .service) -}}
{{- toJson (mergeOverwrite $defaults $own) -}}
{{- end -}}

{{/* The app Secret's name: the existing one, or the one this chart creates. */}}
{{- define "sluice.secretName" -}}
{{- default (include "sluice.componentName" (dict "root" . "component" "secrets")) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "sluice.postgresql.secretName" -}}
{{- default (include "sluice.componentName" (dict "root" . "component" "postgresql")) .Values.postgresql.auth.existingSecret -}}
{{- end -}}

{{- define "sluice.redis.secretName" -}}
{{- default (include "sluice.componentName" (dict "root" . "component" "redis")) .Values.redis.auth.existingSecret -}}
{{- end -}}

{{/* The OTLP endpoint the services export to: the configured one, or the in-cluster Jaeger. */}}
{{- define "sluice.otlpEndpoint" -}}
{{- if .Values.telemetry.otlpEndpoint -}}
{{- .Values.telemetry.otlpEndpoint -}}
{{- else if .Values.jaeger.enabled -}}
{{- printf "http://%s:4318" (include "sluice.componentName" (dict "root" . "component" "jaeger")) -}}
{{- end -}}
{{- end -}}

{{/* One service's non-secret environment (the ConfigMap's data), as YAML: (dict "root" $ "service" "scheduler") */}}
{{- define "sluice.serviceConfig" -}}
{{- $root := .root -}}
{{- $svc := include "sluice.serviceValues" . | fromJson -}}
{{- $config := $root.Values.config -}}
{{- $data := dict -}}
{{- include "sluice.refuseManagedEnv" (dict "where" "config.extraEnv" "env" $config.extraEnv) -}}
{{- include "sluice.refuseManagedEnv" (dict "where" (printf "services.%s.env" .service) "env" $svc.env) -}}
{{- range $key, $value := $config.extraEnv }}{{ $_ := set $data $key (toString $value) }}{{ end -}}
{{- range $key, $value := $svc.env }}{{ $_ := set $data $key (toString $value) }}{{ end -}}
{{- $_ := set $data "NODE_ENV" $config.nodeEnv -}}
{{- $_ := set $data "LOG_LEVEL" $config.logLevel -}}
{{- $_ := set $data "HTTP_HOST" "0.0.0.0" -}}
{{- $_ := set $data "HTTP_PORT" (toString (int $svc.httpPort)) -}}
{{- if $svc.grpcPort -}}
{{- $_ := set $data "GRPC_HOST" "0.0.0.0" -}}
{{- $_ := set $data "GRPC_PORT" (toString (int $svc.grpcPort)) -}}
{{- end -}}
{{- $_ := set $data "SHUTDOWN_GRACE_MS" (toString (int $config.shutdownGraceMs)) -}}
{{- $_ := set $data "READINESS_TIMEOUT_MS" (toString (int $config.readinessTimeoutMs)) -}}
{{- $_ := set $data "SLUICE_REDIS_PREFIX" $config.redisPrefix -}}
{{- if $config.natsNamespace -}}
{{- $_ := set $data "SLUICE_NATS_NAMESPACE" $config.natsNamespace -}}
{{- end -}}
{{- $_ := set $data "TRUST_PROXY" (toString $config.trustProxy) -}}
{{- $otlp := include "sluice.otlpEndpoint" $root -}}
{{- if $otlp -}}
{{- $_ := set $data "OTEL_EXPORTER_OTLP_ENDPOINT" $otlp -}}
{{- end -}}
{{- with $root.Values.telemetry.tracesSampler -}}
{{- $_ := set $data "OTEL_TRACES_SAMPLER" . -}}
{{- end -}}
{{- with $root.Values.telemetry.tracesSamplerArg -}}
{{- $_ := set $data "OTEL_TRACES_SAMPLER_ARG" . -}}
{{- end -}}
{{- range $call := include "sluice.grpcCalls" $root | fromJsonArray -}}
{{- if eq $call.caller $.service -}}
{{- $address := printf "%s:%d" (include "sluice.componentName" (dict "root" $root "component" $call.callee)) (int $call.port) -}}
{{- $_ := set $data (printf "%s_GRPC_ADDR" ($call.callee | upper | replace "-" "_")) $address -}}
{{- end -}}
{{- end -}}
{{- with include "sluice.fetchAllowlist" . | fromJsonArray -}}
{{- $_ := set $data (include "sluice.fetchAllowlistVariable" $) (join "," .) -}}
{{- end -}}
{{- if and (eq .service "scraper") $root.Values.scraper.contactUrl -}}
{{- $_ := set $data "SCRAPER_CONTACT_URL" $root.Values.scraper.contactUrl -}}
{{- end -}}
{{- if and (eq .service "ingest") $root.Values.ingest.files.existingClaim -}}
{{- $_ := set $data "SLUICE_INGEST_FILE_ROOT" (include "sluice.ingestFileRoot" $root) -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/*
Variables the chart sets from their own values: giving them in an env map would reach one service
only, or bypass the NetworkPolicy, so the render fails naming the value to use instead.
(dict "where" "services.scraper.env" "env" $map)
*/}}
{{- define "sluice.refuseManagedEnv" -}}
{{- $managed := dict "SCRAPER_CONTACT_URL" "scraper.contactUrl" "SCRAPER_FETCH_ALLOWLIST" "scraper.fetchAllowlist" "SLUICE_INGEST_HTTP_ALLOWLIST" "ingest.httpAllowlist" "SLUICE_INGEST_FILE_ROOT" "ingest.files.existingClaim" -}}
{{- range $key, $_ := .env -}}
{{- if hasKey $managed $key -}}
{{- fail (printf "%s.%s: set %s instead (the chart renders %s from it)" $.where $key (get $managed $key) $key) -}}
{{- end -}}
{{- if hasSuffix "_GRPC_ADDR" $key -}}
{{- fail (printf "%s.%s: list the called service in services.<caller>.calls instead (the chart renders the address and opens the NetworkPolicy)" $.where $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Service-to-service gRPC calls (services.<name>.calls), checked: the callee has a gRPC port and is
not the caller. The one source of the callers' <NAME>_GRPC_ADDR variables and of the
NetworkPolicy rules on both ends. JSON list of {caller, callee, port}, sorted by caller, callee.
*/}}
{{- define "sluice.grpcCalls" -}}
{{- $calls := list -}}
{{- range $caller := keys .Values.services | sortAlpha -}}
{{- range $callee := (index $.Values.services $caller).calls | default (list) | sortAlpha -}}
{{- $target := index $.Values.services $callee -}}
{{- if not (and $target $target.grpcPort) -}}
{{- fail (printf "services.%s.calls: %s is not a service with a grpcPort" $caller $callee) -}}
{{- end -}}
{{- if eq $caller $callee -}}
{{- fail (printf "services.%s.calls: a service does not call itself" $caller) -}}
{{- end -}}
{{- $calls = append $calls (dict "caller" $caller "callee" $callee "port" (int $target.grpcPort)) -}}
{{- end -}}
{{- end -}}
{{- toJson $calls -}}
{{- end -}}

{{/* The CIDRs a service's fetches may reach although private, as a JSON list: (dict "root" $ "service" "scraper") */}}
{{- define "sluice.fetchAllowlist" -}}
{{- if eq .service "ingest" -}}
{{- toJson (.root.Values.ingest.httpAllowlist | default (list)) -}}
{{- else if or (eq .service "scraper") (eq .service "gateway") -}}
{{- /* The gateway refuses crawls of private targets the scraper may not reach: it needs the same list. */ -}}
{{- toJson (.root.Values.scraper.fetchAllowlist | default (list)) -}}
{{- else -}}
[]
{{- end -}}
{{- end -}}

{{- define "sluice.fetchAllowlistVariable" -}}
{{- ternary "SLUICE_INGEST_HTTP_ALLOWLIST" "SCRAPER_FETCH_ALLOWLIST" (eq .service "ingest") -}}
{{- end -}}

{{/* Where the ingest pods see the file-source volume (ingest.files), read-only. */}}
{{- define "sluice.ingestFileRoot" -}}
/data/ingest
{{- end -}}

{{/*
The secret variables of one service (a container's env list): the internal token, the URLs of the
servers it depends on and, for the gateway, its keys. URLs of the in-cluster servers are built here,
with the password taken from their Secret through Kubernetes' $(VAR) expansion.
(dict "root" $ "dependencies" (list "postgres" ...) "gateway" true|false "secretName" "...")
*/}}
{{- define "sluice.secretEnv" -}}
{{- $root := .root -}}
{{- $secret := .secretName -}}
{{- if .internalToken }}
- name: SLUICE_INTERNAL_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: SLUICE_INTERNAL_TOKEN
{{- end }}
{{- if has "postgres" .dependencies }}
{{- if $root.Values.postgresql.enabled }}
- name: SLUICE_POSTGRES_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "sluice.postgresql.secretName" $root }}
      key: {{ $root.Values.postgresql.auth.secretKey }}
- name: DATABASE_URL
  value: {{ printf "postgresql://%s:$(SLUICE_POSTGRES_PASSWORD)@%s:5432/%s" $root.Values.postgresql.auth.username (include "sluice.componentName" (dict "root" $root "component" "postgresql")) $root.Values.postgresql.auth.database | quote }}
{{- else }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: DATABASE_URL
{{- end }}
{{- end }}
{{- if has "redis" .dependencies }}
{{- if $root.Values.redis.enabled }}
- name: SLUICE_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "sluice.redis.secretName" $root }}
      key: {{ $root.Values.redis.auth.secretKey }}
- name: REDIS_URL
  value: {{ printf "redis://:$(SLUICE_REDIS_PASSWORD)@%s:6379" (include "sluice.componentName" (dict "root" $root "component" "redis")) | quote }}
{{- else }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: REDIS_URL
{{- end }}
{{- end }}
{{- if has "nats" .dependencies }}
{{- if $root.Values.nats.enabled }}
- name: NATS_URL
  value: {{ printf "nats://%s:4222" (include "sluice.componentName" (dict "root" $root "component" "nats")) | quote }}
{{- else }}
- name: NATS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: NATS_URL
{{- end }}
{{- end }}
{{- if .gateway }}
- name: SLUICE_JWT_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: SLUICE_JWT_KEYS
- name: SLUICE_API_KEY_PEPPER
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: SLUICE_API_KEY_PEPPER
{{- end }}
{{- end -}}

{{/* Fails the render, naming the value, when a secret the chart needs is neither given nor in an existing Secret. */}}
{{- define "sluice.requiredSecret" -}}
{{- $hint := "or name a Secret holding it in secrets.existingSecret" -}}
{{- required (printf "secrets.%s is required (%s; %s)" .key .what $hint) .value -}}
{{- end -}}

{{/*
Every secret the release needs, checked at once so one failed render names all that are missing.
Called by each template that uses them, whichever Helm renders first.
*/}}
{{- define "sluice.validateSecrets" -}}
{{- $missing := list -}}
{{- $s := .Values.secrets -}}
{{- if not $s.existingSecret -}}
{{- if not $s.internalToken }}{{ $missing = append $missing "secrets.internalToken is required (at least 32 random characters, e.g. openssl rand -base64 48)" }}{{ end -}}
{{- if not $s.jwtKeys }}{{ $missing = append $missing "secrets.jwtKeys is required (kid:secret pairs, secrets of at least 32 random characters)" }}{{ end -}}
{{- if not $s.apiKeyPepper }}{{ $missing = append $missing "secrets.apiKeyPepper is required (at least 32 random characters)" }}{{ end -}}
{{- if and (not .Values.postgresql.enabled) (not $s.databaseUrl) }}{{ $missing = append $missing "secrets.databaseUrl is required (postgresql://user:password@host:5432/db, or set postgresql.enabled)" }}{{ end -}}
{{- if and (not .Values.redis.enabled) (not $s.redisUrl) }}{{ $missing = append $missing "secrets.redisUrl is required (redis://host:6379, or set redis.enabled)" }}{{ end -}}
{{- if and (not .Values.nats.enabled) (not $s.natsUrl) }}{{ $missing = append $missing "secrets.natsUrl is required (nats://host:4222, or set nats.enabled)" }}{{ end -}}
{{- end -}}
{{- if and .Values.postgresql.enabled (not .Values.postgresql.auth.existingSecret) (not .Values.postgresql.auth.password) -}}
{{- $missing = append $missing "postgresql.auth.password is required when postgresql.enabled (at least 32 characters of A-Z a-z 0-9 . _ ~ -; or name a Secret in postgresql.auth.existingSecret)" -}}
{{- end -}}
{{- if and .Values.redis.enabled (not .Values.redis.auth.existingSecret) (not .Values.redis.auth.password) -}}
{{- $missing = append $missing "redis.auth.password is required when redis.enabled (at least 32 characters of A-Z a-z 0-9 . _ ~ -; or name a Secret in redis.auth.existingSecret)" -}}
{{- end -}}
{{- if $missing -}}
{{- fail (printf "\n  %s\nNo secret has a default: give the values, or name an existing Secret (secrets.existingSecret) holding them." (join "\n  " $missing)) -}}
{{- end -}}
{{- end -}}

{{/* The NetworkPolicy peers of a server: the chart's own pods when it installs it, else networkPolicy.externalTo. */}}
{{- define "sluice.serverPeers" -}}
{{- if .enabled }}
- podSelector:
    matchLabels:
      {{- include "sluice.selectorLabels" (dict "root" .root "component" .component) | nindent 6 }}
{{- else }}
{{- with .root.Values.networkPolicy.externalTo }}
{{ toYaml . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Pod spec parts every Sluice workload shares: (dict "root" $ "values" $svc) */}}
{{- define "sluice.podScheduling" -}}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* When migrations run: before install and upgrade, but after install when this chart installs PostgreSQL (it does not exist before). */}}
{{- define "sluice.migrations.hook" -}}
{{- if .Values.postgresql.enabled -}}post-install,pre-upgrade{{- else -}}pre-install,pre-upgrade{{- end -}}
{{- end -}}

{{/* Hook objects exist before the release's own: the migration Job cannot use the release's Secret on a first install. */}}
{{- define "sluice.migrations.secretName" -}}
{{- if .Values.secrets.existingSecret -}}
{{- .Values.secrets.existingSecret -}}
{{- else -}}
{{- include "sluice.componentName" (dict "root" . "component" "migrate") -}}
{{- end -}}
{{- end -}}

{{/* Security settings of the in-cluster servers' containers (their images run as their own uid). */}}
{{- define "sluice.dependencySecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "sluice.dependencyPodSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* NetworkPolicy ingress peer: the release's pods of the given components: (dict "root" $ "components" (list ...)) */}}
{{- define "sluice.componentsPeer" -}}
- podSelector:
    matchLabels:
      app.kubernetes.io/name: {{ include "sluice.name" .root }}
      app.kubernetes.io/instance: {{ .root.Release.Name }}
    matchExpressions:
      - key: app.kubernetes.io/component
        operator: In
        values:
          {{- range .components }}
          - {{ . }}
          {{- end }}
{{- end -}}

{{/* Names of the services that depend on a server: (dict "root" $ "dependency" "postgres") */}}
{{- define "sluice.clientsOf" -}}
{{- $clients := list -}}
{{- range $name := keys .root.Values.services | sortAlpha -}}
{{- if has $.dependency (index $.root.Values.services $name).dependencies -}}
{{- $clients = append $clients $name -}}
{{- end -}}
{{- end -}}
{{- toJson $clients -}}
{{- end -}}

{{/* A PVC template for a StatefulSet: (dict "persistence" .Values.x.persistence) */}}
{{- define "sluice.volumeClaim" -}}
- metadata:
    name: data
  spec:
    accessModes: [ReadWriteOnce]
    {{- with .persistence.storageClass }}
    storageClassName: {{ . }}
    {{- end }}
    resources:
      requests:
        storage: {{ .persistence.size }}
{{- end -}}
