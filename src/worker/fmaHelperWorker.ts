// A helper thread of the FMA conv (./fma.ts): its first message starts it, and it never returns.
import { runHelper } from '../engine/fma/helper';
import type { HelperInit } from '../engine/fma/protocol';

self.onmessage = (e: MessageEvent<HelperInit>) => runHelper(e.data);
