-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "warehouse";

-- CreateEnum
CREATE TYPE "scraper"."CrawlStatus" AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "scraper"."FrontierState" AS ENUM ('QUEUED', 'FETCHING', 'DONE', 'FAILED', 'SKIPPED');

-- CreateEnum
CREATE TYPE "pipeline"."RunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED');

-- CreateEnum
CREATE TYPE "pipeline"."StepStatus" AS ENUM ('PENDING', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED');

-- AlterTable
ALTER TABLE "pipeline"."pipelines" ADD COLUMN     "created_by" TEXT,
ADD COLUMN     "definition_hash" TEXT;

-- AlterTable
ALTER TABLE "scraper"."pages" ADD COLUMN     "content_hash" TEXT,
ADD COLUMN     "depth" INTEGER,
ADD COLUMN     "duplicate_of" TEXT,
ADD COLUMN     "duration_ms" INTEGER;

-- CreateTable
CREATE TABLE "scraper"."crawls" (
    "task_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "spec" JSONB NOT NULL,
    "status" "scraper"."CrawlStatus" NOT NULL DEFAULT 'RUNNING',
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "pages_done" INTEGER NOT NULL DEFAULT 0,
    "pages_failed" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "crawls_pkey" PRIMARY KEY ("task_id")
);

-- CreateTable
CREATE TABLE "scraper"."frontier" (
    "task_id" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "depth" INTEGER NOT NULL,
    "state" "scraper"."FrontierState" NOT NULL DEFAULT 'QUEUED',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "not_before" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_until" TIMESTAMPTZ(3),
    "source" TEXT NOT NULL,
    "reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "frontier_pkey" PRIMARY KEY ("task_id","fingerprint")
);

-- CreateTable
CREATE TABLE "pipeline"."runs" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "pipeline" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "pipeline"."RunStatus" NOT NULL DEFAULT 'QUEUED',
    "params" JSONB,
    "created_by" TEXT,
    "owner" TEXT,
    "fence" BIGINT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pipeline"."step_runs" (
    "run_id" UUID NOT NULL,
    "step_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" "pipeline"."StepStatus" NOT NULL DEFAULT 'PENDING',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "rows_in" BIGINT,
    "rows_out" BIGINT,
    "error" TEXT,
    "checks" JSONB,
    "output" JSONB,
    "dispatched_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "step_runs_pkey" PRIMARY KEY ("run_id","step_id")
);

-- CreateTable
CREATE TABLE "warehouse"."table_versions" (
    "tenant_id" UUID NOT NULL,
    "table_name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "run_id" UUID NOT NULL,
    "step_id" TEXT NOT NULL,
    "pipeline" TEXT NOT NULL,
    "pipeline_version" INTEGER NOT NULL,
    "mode" TEXT NOT NULL,
    "rows" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "table_versions_pkey" PRIMARY KEY ("tenant_id","table_name","version")
);

-- CreateIndex
CREATE INDEX "crawls_tenant_id_idx" ON "scraper"."crawls"("tenant_id");

-- CreateIndex
CREATE INDEX "frontier_task_id_state_not_before_idx" ON "scraper"."frontier"("task_id", "state", "not_before");

-- CreateIndex
CREATE INDEX "runs_tenant_id_pipeline_status_idx" ON "pipeline"."runs"("tenant_id", "pipeline", "status");

-- CreateIndex
CREATE INDEX "runs_tenant_id_created_at_idx" ON "pipeline"."runs"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "runs_status_idx" ON "pipeline"."runs"("status");

-- CreateIndex
CREATE UNIQUE INDEX "table_versions_run_id_step_id_key" ON "warehouse"."table_versions"("run_id", "step_id");

-- CreateIndex
CREATE INDEX "pages_task_id_fetched_at_id_idx" ON "scraper"."pages"("task_id", "fetched_at", "id");

-- CreateIndex
CREATE INDEX "pages_task_id_content_hash_idx" ON "scraper"."pages"("task_id", "content_hash");

-- AddForeignKey
ALTER TABLE "pipeline"."step_runs" ADD CONSTRAINT "step_runs_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "pipeline"."runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
