import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { freeHeldReads, readHolding } from './heldReads';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('frees what a pending read holds (an abandoned step), and nothing once reads have settled', async () => {
  const base = tf.memory().numTensors;
  const [read, other] = [tf.ones([4]), tf.zeros([2, 2])];
  const pending = readHolding(read, other); // not settled before the next await
  expect(freeHeldReads()).toBe(2);
  expect(tf.memory().numTensors).toBe(base);
  await pending.catch(() => {});

  const c = tf.ones([3]);
  expect(Array.from(await readHolding(c))).toEqual([1, 1, 1]);
  expect(freeHeldReads()).toBe(0);
  expect(c.isDisposed).toBe(false);
  c.dispose();
});
