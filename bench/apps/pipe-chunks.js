// Chunks per second through readable.pipeThrough(new TransformStream()), read with a
// default reader: the per-chunk cost of the streams machinery itself.
// Run: nanod run pipe-chunks.js / deno run pipe-chunks.js
export {};
const N = 200000;

async function once(n) {
  let i = 0;
  const source = new ReadableStream({
    pull(c) {
      if (i < n) c.enqueue(i++);
      else c.close();
    },
  }, { highWaterMark: 16 });
  const reader = source.pipeThrough(new TransformStream()).getReader();
  let count = 0;
  const t0 = performance.now();
  for (;;) {
    const { done } = await reader.read();
    if (done) break;
    count++;
  }
  return { count, ms: performance.now() - t0 };
}

await once(20000); // warm-up
const { count, ms } = await once(N);
console.log(JSON.stringify({ chunks: count, ms: Math.round(ms), chunks_per_s: Math.round(count / (ms / 1000)) }));
