-- DropIndex
DROP INDEX "scraper"."frontier_task_id_state_not_before_idx";

-- AlterTable
ALTER TABLE "scraper"."crawls" ADD COLUMN     "frontier_size" INTEGER NOT NULL DEFAULT 0;

-- Crawls that exist already: their frontier as it is now
UPDATE "scraper"."crawls" c SET "frontier_size" = (SELECT count(*) FROM "scraper"."frontier" f WHERE f."task_id" = c."task_id");

-- CreateIndex
CREATE INDEX "frontier_task_id_state_depth_not_before_created_at_idx" ON "scraper"."frontier"("task_id", "state", "depth", "not_before", "created_at");
