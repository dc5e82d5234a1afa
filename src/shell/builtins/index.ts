// The builtin table (name → implementation), assembled from the topic files.

import type { Builtin } from './types';
import { CORE_BUILTINS } from './core';
import { ENV_BUILTINS } from './env';
import { IO_BUILTINS } from './io';
import { JOB_BUILTINS } from './jobs';
import { TEST_BUILTINS } from './test';

export type { Builtin, BuiltinContext } from './types';

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map(
  Object.entries({ ...CORE_BUILTINS, ...ENV_BUILTINS, ...IO_BUILTINS, ...JOB_BUILTINS, ...TEST_BUILTINS }),
);
