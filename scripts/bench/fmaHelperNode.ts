// A helper thread of FmaConv under Node (worker_threads): the bench's and the tests' host.
import { workerData } from 'node:worker_threads';
import { runHelper } from '../../src/engine/fma/helper';
import type { HelperInit } from '../../src/engine/fma/protocol';

runHelper(workerData as HelperInit);
