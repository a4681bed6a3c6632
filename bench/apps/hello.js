export default {
  fetch(request) {
    return new Response("Hello World\n");
  },
};
