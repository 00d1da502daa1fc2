/**
 * Marks a config field as secret: `readonly password: Secret`. The value is a plain string in env files, but
 * the schema extractor (src/config) sees the alias name `Secret` (or a JSDoc `@secret` tag) and Berth treats the
 * field as secret: it reaches pods only through a generated Kubernetes Secret (`secretConfig`), base64 in
 * `data`, and is redacted wherever Berth prints or stores values.
 */
export type Secret = string;

/** A value a service's `config` can hold: rendered as a string into its ConfigMap. */
export type ConfigValue = string | number | boolean;

/** Environment-style config of one service (`LOG_LEVEL: 'info'`), rendered into `<release>-<service>-config`. */
export type ServiceConfig = Readonly<Record<string, ConfigValue>>;

/** Secret config of one service (`DB_PASSWORD: config.db.password`), rendered into `<release>-<service>-secret`. */
export type ServiceSecretConfig = Readonly<Record<string, Secret>>;
