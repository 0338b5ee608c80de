-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "auth";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "pipeline";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "scheduler";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "scraper";

-- CreateEnum
CREATE TYPE "scheduler"."TaskStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED');

-- CreateTable
CREATE TABLE "auth"."organizations" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scheduler"."tasks" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "status" "scheduler"."TaskStatus" NOT NULL DEFAULT 'QUEUED',
    "payload" JSONB NOT NULL,
    "progress_done" INTEGER NOT NULL DEFAULT 0,
    "progress_failed" INTEGER NOT NULL DEFAULT 0,
    "progress_queued" INTEGER NOT NULL DEFAULT 0,
    "created_by" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scraper"."pages" (
    "id" UUID NOT NULL,
    "task_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "final_url" TEXT,
    "status" INTEGER,
    "content_type" TEXT,
    "bytes" INTEGER,
    "title" TEXT,
    "data" JSONB,
    "error" TEXT,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pipeline"."pipelines" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "definition" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pipelines_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "tasks_tenant_id_created_at_idx" ON "scheduler"."tasks"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "tasks_tenant_id_status_idx" ON "scheduler"."tasks"("tenant_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "pages_task_id_url_key" ON "scraper"."pages"("task_id", "url");

-- CreateIndex
CREATE UNIQUE INDEX "pipelines_tenant_id_name_version_key" ON "pipeline"."pipelines"("tenant_id", "name", "version");
