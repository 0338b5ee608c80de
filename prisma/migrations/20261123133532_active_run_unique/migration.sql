-- At most one active run per (tenant, pipeline): the database's backstop behind the run lock and
-- the advisory lock of RunRepository.create. The statuses are ACTIVE_RUN_STATUSES of
-- libs/pipeline-runs; INTERRUPTED runs count, since they wait to be resumed.

-- Two active runs of one pipeline could only come from a bug; cancel all but the oldest (as a
-- cancel request would), so the index can be built instead of failing the upgrade.
WITH "duplicate" AS (
  SELECT "id" FROM (
    SELECT "id", row_number() OVER (PARTITION BY "tenant_id", "pipeline" ORDER BY "created_at", "id") AS "n"
    FROM "pipeline"."runs"
    WHERE "status" IN ('QUEUED', 'RUNNING', 'INTERRUPTED')
  ) AS "ranked"
  WHERE "n" > 1
), "cancelled" AS (
  UPDATE "pipeline"."runs" AS "r"
  SET "status" = 'CANCELLED', "owner" = NULL, "finished_at" = now(), "updated_at" = now(),
      "error" = 'cancelled: another run of this pipeline was already active'
  FROM "duplicate" AS "d"
  WHERE "r"."id" = "d"."id"
  RETURNING "r"."id"
)
UPDATE "pipeline"."step_runs" AS "s"
SET "status" = 'CANCELLED', "finished_at" = now()
FROM "cancelled" AS "c"
WHERE "s"."run_id" = "c"."id" AND "s"."status" IN ('PENDING', 'QUEUED', 'RUNNING');

-- CreateIndex
CREATE UNIQUE INDEX "runs_one_active_per_pipeline" ON "pipeline"."runs"("tenant_id", "pipeline") WHERE (status = ANY (ARRAY['QUEUED'::pipeline."RunStatus", 'RUNNING'::pipeline."RunStatus", 'INTERRUPTED'::pipeline."RunStatus"]));
