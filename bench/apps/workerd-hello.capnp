# workerd config for the hello-world benchmark.
# The socket address below is a default; bench/hello.sh overrides it with
#   workerd serve workerd-hello.capnp --socket-addr http=127.0.0.1:PORT
# `embed` paths are relative to this file, so hello.js must sit beside it.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .helloWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "main") ],
);

const helloWorker :Workerd.Worker = (
  modules = [ (name = "hello.js", esModule = embed "hello.js") ],
  compatibilityDate = "2024-09-23",
);
