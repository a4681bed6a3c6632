// A NANO app is ordinary Workers code: a module whose default export has fetch().
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/json") {
      return Response.json({ greeting: env.GREETING ?? "hello", path: url.pathname });
    }
    return new Response(`${env.GREETING ?? "Hello"} from NANO!\n`, {
      headers: { "content-type": "text/plain;charset=UTF-8" },
    });
  },
};
