"""Generate N tiny apps plus a NANO config and a workerd config for them.

usage: gen_apps.py DIR N PORT [NANO_THREADS]
  DIR/appK/index.js   -> export default { fetch() { return new Response("app K") } }
  DIR/nano.toml       -> listen/threads + [apps.appK] main/routes (Host appK.test)
  DIR/workerd.capnp   -> N worker services + a router worker on one socket that
                          forwards by Host header via service bindings
  DIR/router.js
"""
import os
import sys

COMPAT_DATE = "2024-09-23"

APP_JS = """export default {
  fetch(request) {
    return new Response("app %d");
  },
};
"""

ROUTER_JS = """// Routes Host: appK.test -> service binding appK (same process).
export default {
  fetch(request, env) {
    const host = (request.headers.get("host") || "").split(":")[0];
    const name = host.endsWith(".test") ? host.slice(0, -5) : host;
    const app = Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;
    if (!app) return new Response("no such app: " + name, { status: 404 });
    return app.fetch(request);
  },
};
"""


def main():
    out, n, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    os.makedirs(out, exist_ok=True)
    for k in range(n):
        d = os.path.join(out, f"app{k}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "index.js"), "w") as f:
            f.write(APP_JS % k)

    with open(os.path.join(out, "nano.toml"), "w") as f:
        f.write(f'listen = "127.0.0.1:{port}"\nthreads = {threads}\n')
        for k in range(n):
            f.write(f'\n[apps.app{k}]\nmain = "app{k}/index.js"\nroutes = ["app{k}.test/*"]\n')

    with open(os.path.join(out, "router.js"), "w") as f:
        f.write(ROUTER_JS)
    lines = [
        'using Workerd = import "/workerd/workerd.capnp";',
        "",
        "const config :Workerd.Config = (",
        "  services = [",
        '    (name = "router", worker = (',
        '      modules = [(name = "router.js", esModule = embed "router.js")],',
        f'      compatibilityDate = "{COMPAT_DATE}",',
        "      bindings = [",
    ]
    lines += [f'        (name = "app{k}", service = "app{k}"),' for k in range(n)]
    lines += ["      ],", "    )),"]
    lines += [
        f'    (name = "app{k}", worker = (modules = [(name = "index.js", esModule = embed "app{k}/index.js")], compatibilityDate = "{COMPAT_DATE}")),'
        for k in range(n)
    ]
    lines += [
        "  ],",
        f'  sockets = [(name = "http", address = "127.0.0.1:{port}", http = (), service = "router")],',
        ");",
        "",
    ]
    with open(os.path.join(out, "workerd.capnp"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
