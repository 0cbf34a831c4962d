// What a verdict sounds and feels like, so that staff who look away, or do not see red and
// green apart, still know it: a tone pattern per verdict family (Web Audio) and a vibration
// pattern (where the device has one). The sound can be muted; the choice stays on the device.

const MUTED_KEY = "ceremony-door-muted";
const VOLUME = 0.3;
// Each tone: a wave from one pitch (Hz) to another, starting `at` seconds in, lasting `for`.
export const TONES = {
  // One rising chirp: come in.
  admitted: [{ wave: "sine", from: 660, to: 1320, at: 0, for: 0.18 }],
  // Two low buzzes: stop.
  refused: [
    { wave: "square", from: 160, to: 160, at: 0, for: 0.22 },
    { wave: "square", from: 160, to: 160, at: 0.32, for: 0.22 },
  ],
  // Three quick beeps: look again.
  attention: [
    { wave: "triangle", from: 880, to: 880, at: 0, for: 0.08 },
    { wave: "triangle", from: 880, to: 880, at: 0.14, for: 0.08 },
    { wave: "triangle", from: 880, to: 880, at: 0.28, for: 0.08 },
  ],
  // A two-note chime, high then low: not now.
  hours: [
    { wave: "sine", from: 784, to: 784, at: 0, for: 0.2 },
    { wave: "sine", from: 523, to: 523, at: 0.25, for: 0.35 },
  ],
  // One long falling slide: another way in.
  zone: [{ wave: "sawtooth", from: 700, to: 280, at: 0, for: 0.45 }],
  // A short falling chirp: goodbye.
  exited: [{ wave: "sine", from: 990, to: 660, at: 0, for: 0.15 }],
  // One long low hum: the door could not decide.
  error: [{ wave: "triangle", from: 220, to: 220, at: 0, for: 0.6 }],
};
// Milliseconds of vibration and pause, alternating.
export const VIBRATIONS = {
  admitted: [80],
  refused: [300, 120, 300],
  attention: [90, 60, 90, 60, 90],
  hours: [150, 100, 400],
  zone: [600],
  exited: [40],
  error: [1000],
};

/** The sound and vibration of verdicts on this device. */
export class Cues {
  #context = null;

  constructor(storage = window.localStorage) {
    this.storage = storage;
    this.muted = storage.getItem(MUTED_KEY) === "true";
  }

  /** Mute or unmute the sound (vibration stays: it is silent), remembered on this device. */
  setMuted(muted) {
    this.muted = muted;
    this.storage.setItem(MUTED_KEY, String(muted));
  }

  /** Sound and vibrate a verdict family's pattern, as far as the device can. */
  play(family) {
    if (!this.muted && TONES[family]) this.#sound(TONES[family]);
    if (typeof navigator.vibrate === "function" && VIBRATIONS[family]) navigator.vibrate(VIBRATIONS[family]);
  }

  #sound(tones) {
    const context = this.#audio();
    if (!context) return;
    // A context made before the page had a gesture starts suspended; a scan is one.
    if (context.state === "suspended") context.resume().catch(() => {});
    const start = context.currentTime + 0.01;
    for (const tone of tones) {
      const begin = start + tone.at;
      const end = begin + tone.for;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = tone.wave;
      oscillator.frequency.setValueAtTime(tone.from, begin);
      if (tone.to !== tone.from) oscillator.frequency.exponentialRampToValueAtTime(tone.to, end);
      // Fading out avoids the click of a wave cut off mid-swing.
      gain.gain.setValueAtTime(VOLUME, begin);
      gain.gain.exponentialRampToValueAtTime(0.001, end);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(begin);
      oscillator.stop(end);
    }
  }

  #audio() {
    if (!this.#context) {
      const AudioContext = window.AudioContext || window.webkitAudioContext;
      if (!AudioContext) return null;
      this.#context = new AudioContext();
    }
    return this.#context;
  }
}
