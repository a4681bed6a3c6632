// A response of 100 MB (1,600 chunks of 64 KiB) produced by a ReadableStream as the
// client reads it: memory must stay flat when the consumer keeps up.
const CHUNK = new Uint8Array(64 * 1024).fill(120);
const TOTAL = 100 * 1024 * 1024;

export default {
  fetch() {
    let sent = 0;
    return new Response(new ReadableStream({
      pull(c) {
        if (sent >= TOTAL) return c.close();
        c.enqueue(CHUNK.slice());
        sent += CHUNK.byteLength;
      },
    }), { headers: { "content-type": "application/octet-stream" } });
  },
};
