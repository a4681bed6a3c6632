// Blob and File (W3C File API).
function extractBlobBody(init) { return undefined; }
function bodyToBlob(bytes, type) { throw new TypeError("Blob is not supported yet"); }
var Blob, File;
