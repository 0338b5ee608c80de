import { timestampToIso, type transformV1 } from '@sluice/contracts';

/** The public shape of a dataset (API.md, Pipelines): the latest version of a target table. */
export interface DatasetView {
  table: string;
  version: number;
  rows: number;
  updatedAt: string | undefined;
  runId: string;
  pipeline: string;
}

export const toDatasetView = (dataset: transformV1.Dataset): DatasetView => ({
  table: dataset.table,
  version: dataset.version,
  rows: Number(dataset.rows),
  updatedAt: timestampToIso(dataset.updatedAt),
  runId: dataset.runId,
  pipeline: dataset.pipeline,
});
