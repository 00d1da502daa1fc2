import { Command, Option } from 'commander';

export function schemaCommand(): Command {
  return new Command('schema')
    .description("Show an app's config type as a table of fields or as JSON Schema (extracted from the TypeScript type)")
    .argument('<app>', 'app name under apps/ or a path to an app directory')
    .addOption(new Option('-o, --output <format>', 'table of fields or the JSON Schema').choices(['table', 'text', 'json']).default('table'))
    .option('--out <file>', 'write the JSON Schema to a file (for `# yaml-language-server: $schema=<file>` in values files)')
    .addHelpText(
      'after',
      `
Examples:
  berth schema shop                    every config field: path, type, required, default, secret, description
  berth schema shop -o json            the JSON Schema (draft 2020-12)
  berth schema shop --out shop.schema.json
      then start a values file with: # yaml-language-server: $schema=./shop.schema.json

Paths use \`a.b\` for nested fields, \`a.*\` for any key of a record and \`a[]\` for any item of a list.
Secret fields (type Secret or @secret) are stored and shown only as sha256 hashes.`,
    )
    .action(async (app: string, opts: { output: string; out?: string }) => {
      const { schemaOfApp } = await import('../../synth/app-schema.js');
      const { writeSchemaTo, schemaTableRows, SCHEMA_TABLE_HEADER } = await import('../../config/schema-file.js');
      const { info, printJson, table } = await import('../output.js');
      const schema = schemaOfApp(app);
      if (opts.out) {
        writeSchemaTo(schema, opts.out);
        info(`wrote the config schema of ${app} (${schema.title}) to ${opts.out}`);
        return;
      }
      if (opts.output === 'json') return printJson(schema);
      process.stdout.write(`${schema.title}${schema.description ? `: ${schema.description}` : ''}\n\n`);
      process.stdout.write(table(SCHEMA_TABLE_HEADER, schemaTableRows(schema)));
    });
}
