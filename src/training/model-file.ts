import { readFileSync, writeFileSync } from 'node:fs';
import { modelInvalid } from './errors.js';
import type { TrainedModel } from './types.js';

/** Writes a trained model as JSON (a training version is plain data). */
export function saveModel(model: TrainedModel, path: string): void {
  writeFileSync(path, JSON.stringify(model));
}

/** Reads a trained model written by saveModel. */
export function loadModel(path: string): TrainedModel {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw modelInvalid(`cannot read the trained model ${path}: ${(e as Error).message}`);
  }
  if (!data || typeof data !== 'object' || (data as TrainedModel).format !== 'otc-copilot/trained-model@1')
    throw modelInvalid(`${path} is not a trained model of this version (format otc-copilot/trained-model@1)`);
  return data as TrainedModel;
}
