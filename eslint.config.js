// ESLint for the door page's scripts (browser ES modules, and the camera's worker, a classic
// worker script that loads the QR decoder with importScripts) and the console's script (a
// classic script beside htmx).
import js from "@eslint/js";
import globals from "globals";

const DOOR = "services/badges/door/static";
const CONSOLE = "shared/console/static";

export default [
  js.configs.recommended,
  {
    files: [`${DOOR}/**/*.js`],
    languageOptions: { ecmaVersion: "latest", sourceType: "module", globals: globals.browser },
    rules: {
      "no-unused-vars": "error",
      eqeqeq: "error",
      "prefer-const": "error",
      "no-var": "error",
      // One-line `if (...) return;` is the house style; a block over several lines has braces.
      curly: ["error", "multi-line"],
      "no-shadow": "error",
      "no-param-reassign": "error",
      "no-implicit-globals": "error",
    },
  },
  {
    files: [`${CONSOLE}/**/*.js`],
    languageOptions: { ecmaVersion: "latest", sourceType: "script", globals: globals.browser },
    rules: {
      "no-unused-vars": "error",
      eqeqeq: "error",
      "prefer-const": "error",
      "no-var": "error",
      curly: ["error", "multi-line"],
      "no-shadow": "error",
    },
  },
  {
    files: [`${DOOR}/camera-worker.js`],
    languageOptions: { sourceType: "script", globals: globals.worker },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "module", globals: globals.node },
  },
];
