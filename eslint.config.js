import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "public/build/**",
      ".cache/**",
      ".data/**",
      "node_modules/**",
      "test-results/**",
      "playwright-report/**",
      "tests/emulator/app-bridge/**/*.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // Configuration is parsed once in app/env.server.ts; the rest of the app never reads process.env.
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/env.server.ts", "app/**/*.test.{ts,tsx}"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration from ~/env.server instead." },
      ],
    },
  },
  {
    // The domain is pure: no database, no network, no clock.
    files: ["app/domain/**/*.ts"],
    ignores: ["app/domain/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["@prisma/*", "~/db*", "~/services/*", "~/shopify*", "~/jobs/*", "node:*"] },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: "Take the time as a parameter." },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "Take the time as a parameter." },
        { selector: "CallExpression[callee.name='fetch']", message: "The domain does no I/O." },
      ],
    },
  },
);
