-- CreateTable
CREATE TABLE "scheduler"."schedules" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "start_date" TEXT,
    "end_date" TEXT,
    "missed_runs" TEXT NOT NULL,
    "target" JSONB NOT NULL,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "last_fired_at" TIMESTAMPTZ(3),
    "next_fire_at" TIMESTAMPTZ(3),
    "leader_fence" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "schedules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "schedules_tenant_id_created_at_idx" ON "scheduler"."schedules"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "schedules_next_fire_at_idx" ON "scheduler"."schedules"("next_fire_at");

-- CreateIndex
CREATE UNIQUE INDEX "schedules_tenant_id_name_key" ON "scheduler"."schedules"("tenant_id", "name");
