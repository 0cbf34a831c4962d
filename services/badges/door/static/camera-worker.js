// Decodes QR codes off the page's main thread, with the npm-installed jsQR the server serves.
importScripts("/scan/decoder.js");

self.onmessage = (event) => {
  const { id, width, height, pixels } = event.data;
  const found = self.jsQR(new Uint8ClampedArray(pixels), width, height, { inversionAttempts: "dontInvert" });
  self.postMessage({ id, text: found ? found.data : null });
};
