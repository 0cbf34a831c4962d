// Camera mode: frames from the (rear) camera go to a worker running jsQR; a decoded code is
// scanned like a typed one. The same code is not scanned again while it stays in view.

import { t } from "./words.js";

const MAX_WIDTH = 960;
const REPEAT_AFTER_MS = 4000;

/**
 * Camera mode: video into `video`, what it is doing into `status`, decoded codes to `onCode`;
 * `prompt` says what to hold up (a badge, or a door device's enrolment code).
 */
export class Camera {
  constructor(video, status, onCode, decoderInstalled, prompt = t("Hold the badge's QR code in front of the camera.")) {
    this.video = video;
    this.status = status;
    this.onCode = onCode;
    this.decoderInstalled = decoderInstalled;
    this.prompt = prompt;
    this.canvas = document.createElement("canvas");
    this.stream = null;
    this.worker = null;
    this.last = { text: null, at: 0 };
  }

  /** Why camera mode cannot run here, or null. */
  unavailable() {
    if (!this.decoderInstalled) {
      return t("Camera scanning is unavailable: the QR decoder is not installed on the server.");
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return t("Camera scanning is unavailable: this browser gives no camera here (it needs HTTPS).");
    }
    return null;
  }

  /** Whether the camera is on. */
  get running() {
    return this.stream !== null;
  }

  /** Turn the camera on; resolves to false, with the reason in `status`, when it cannot be. */
  async start() {
    const reason = this.unavailable();
    if (reason) {
      this.status.textContent = reason;
      return false;
    }
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 } },
        audio: false,
      });
    } catch (error) {
      this.status.textContent = t("Camera scanning is unavailable: %(reason)s.", { reason: error.message || error.name });
      return false;
    }
    this.video.srcObject = this.stream;
    await this.video.play();
    this.worker = new Worker("/scan/assets/camera-worker.js");
    this.worker.onmessage = (event) => this.decoded(event.data.text);
    this.status.textContent = this.prompt;
    this.nextFrame();
    return true;
  }

  /** Turn the camera off and release it. */
  stop() {
    if (this.stream) for (const track of this.stream.getTracks()) track.stop();
    if (this.worker) this.worker.terminate();
    this.stream = null;
    this.worker = null;
    this.video.srcObject = null;
    this.status.textContent = "";
  }

  nextFrame() {
    if (!this.running) return;
    requestAnimationFrame(() => this.capture());
  }

  capture() {
    const { videoWidth, videoHeight } = this.video;
    if (!this.running) return;
    if (!videoWidth) {
      this.nextFrame();
      return;
    }
    const scale = Math.min(1, MAX_WIDTH / videoWidth);
    const width = Math.round(videoWidth * scale);
    const height = Math.round(videoHeight * scale);
    this.canvas.width = width;
    this.canvas.height = height;
    const context = this.canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(this.video, 0, 0, width, height);
    const pixels = context.getImageData(0, 0, width, height).data.buffer;
    // One frame at a time: the next is taken when the worker has answered.
    this.worker.postMessage({ width, height, pixels }, [pixels]);
  }

  decoded(text) {
    const now = performance.now();
    if (text && (text !== this.last.text || now - this.last.at > REPEAT_AFTER_MS)) {
      this.onCode(text, now);
    }
    if (text) this.last = { text, at: now };
    this.nextFrame();
  }
}
