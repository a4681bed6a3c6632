// A second app for the multi-app example: a tiny JSON API.
import { items } from "./items.js";

export default {
  fetch(request) {
    const url = new URL(request.url);
    const id = url.searchParams.get("id");
    if (id !== null) {
      const item = items.find((i) => String(i.id) === id);
      return item ? Response.json(item) : Response.json({ error: "not found" }, { status: 404 });
    }
    return Response.json(items);
  },
};
