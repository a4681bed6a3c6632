// FormData (XHR standard §4.3) and form bodies (multipart/form-data, urlencoded).
function parseFormData(bytes, contentType) { throw new TypeError("formData() is not supported yet"); }
var FormData;
