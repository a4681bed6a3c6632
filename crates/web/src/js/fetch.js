// fetch() (Fetch standard §5.6): outbound HTTP through the host.
var fetch;
