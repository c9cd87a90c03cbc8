// Preloaded into the worker by the benchmarks (`node --import ./bench/lib/memory-probe.mjs …`), never by the
// product. Node preloads it in every thread, the SDK's workflow thread included, so every 250 ms each thread
// writes one stderr line: its own V8 heap, and (main thread) the process's RSS, external memory and array
// buffers. What RSS holds beyond the heaps and external memory is native: the Rust core, allocator arenas, code.
import { threadId } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';

setInterval(() => {
  const m = process.memoryUsage();
  const heap = getHeapStatistics();
  const sample = {
    thread: threadId,
    heapUsed: heap.used_heap_size,
    heapTotal: heap.total_heap_size,
    rss: m.rss,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
  process.stderr.write(`memory-probe ${JSON.stringify(sample)}\n`);
}, 250).unref();
