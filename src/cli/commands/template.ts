import { Command } from 'commander';
import { outputOption, queryFlags, type QueryFlags } from '../options.js';
import { runOutdated } from './template-outdated.js';

/**
 * `berth template init|publish|search|info|add|update|outdated`: templates as npm packages, one function per
 * subcommand.
 */

async function registryContext() {
  const { loadNpmConfig } = await import('../../registry/npmrc.js');
  return { npm: loadNpmConfig(process.cwd()), cwd: process.cwd() };
}

function initCommand(): Command {
  return new Command('init')
    .description('Scaffold a template source dir: typed config, Application, env/default.ts, a unit test, README, package.json')
    .argument('<dir>', 'new directory for the template')
    .option('--name <@scope/name>', 'package name (the scope is the template space)', undefined)
    .option('--description <text>', 'package description (search matches its words)')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Examples:
  berth template init templates/echo --name @acme/echo
  berth synth templates/echo --env default --stdout     it renders as it is
  berth template publish templates/echo                 and publishes as it is`,
    )
    .action(async (dir: string, opts: { name?: string; description?: string; output: string }) => {
      const { initTemplate } = await import('../../registry/init.js');
      const { info, printJson } = await import('../output.js');
      const result = initTemplate({ dir, name: opts.name, description: opts.description });
      if (opts.output === 'json') return printJson(result);
      info(`created template ${result.name} in ${dir}: ${result.files.join(', ')}`);
      info(`next: berth synth ${dir} --env default --stdout; berth template publish ${dir}`);
    });
}

function publishCommand(): Command {
  return new Command('publish')
    .description("Check (synth of every env), build (ESM + .d.ts, the berth field) and publish a template to its scope's registry")
    .argument('[dir]', 'template source dir', '.')
    .option('--tag <tag>', 'dist-tag to publish under', 'latest')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Examples:
  berth template publish templates/echo
  berth template publish . --tag next

The registry is the one .npmrc gives the package's scope (@acme:registry=...), with its _authToken
(\`berth registry login --scope @acme\` for the local registry). A version that is already published is
refused: bump "version" in package.json.`,
    )
    .action(async (dir: string, opts: { tag: string; output: string }) => {
      const { publishTemplate } = await import('../../registry/publish.js');
      const { info, printJson } = await import('../output.js');
      const result = await publishTemplate(dir, { ...(await registryContext()), tag: opts.tag, onProgress: info });
      if (opts.output === 'json') return printJson(result);
      info(`published ${result.name}@${result.version} to ${result.registry} in ${result.seconds.toFixed(1)}s`);
      info(`  services: ${result.services.map((s) => `${s.name} (${s.kind})`).join(', ')}; kinds: ${result.kinds.join(', ')}`);
      if (result.integrity) info(`  integrity: ${result.integrity}`);
    });
}

function searchCommand(): Command {
  return new Command('search')
    .description("Find templates of the configured scopes by words of their name, description, keywords or config field names")
    .argument('[words...]', 'every word must match; none lists the whole catalog')
    .option('--scope <scope>', 'search only this scope (default: every scope with a registry line in .npmrc)')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Examples:
  berth template search                      every template of the scopes in .npmrc, one line each
  berth template search cache
  berth template search password --scope @berth

Package documents are cached by ETag under ~/.cache/berth/registry-cache and revalidated on each search.`,
    )
    .action(async (words: string[], opts: { scope?: string; output: string }) => {
      const { searchTemplates } = await import('../../registry/search.js');
      const { parseScope } = await import('../../registry/server.js');
      const { info, printJson, table } = await import('../output.js');
      const ctx = await registryContext();
      const scopes = opts.scope ? [parseScope(opts.scope)] : undefined;
      if (!scopes && ctx.npm.scopes().length === 0) {
        const { UserError } = await import('../../errors.js');
        throw new UserError('no scopes to search: .npmrc has no @scope:registry= line', {
          hint: 'add one (berth registry login --scope @berth for the local registry), or pass --scope @name',
        });
      }
      const result = await searchTemplates(words, { ...ctx, scopes });
      if (opts.output === 'json') return printJson(result);
      if (result.matches.length === 0) {
        info(`no template of ${result.scopes.join(', ')} matches ${words.length ? words.map((w) => `'${w}'`).join(' ') : '(any)'}`);
        return;
      }
      process.stdout.write(
        table(
          ['NAME', 'VERSION', 'DESCRIPTION', ...(words.length ? ['MATCHED'] : [])],
          result.matches.map((m) => [m.entry.name, m.entry.version, m.entry.description, ...(words.length ? [m.on.join(', ')] : [])]),
        ),
      );
    });
}

function infoCommand(): Command {
  return new Command('info')
    .description('Show a template: versions, dist-tags, the config as a table, services, kinds')
    .argument('<pkg>', 'package, optionally with a range or dist-tag: @berth/redis, @berth/redis@^1')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  berth template info @berth/redis\n  berth template info @berth/redis@1.0.0 -o json')
    .action(async (spec: string, opts: { output: string }) => {
      const { fetchPackument, parsePackageSpec, pickVersion, templateManifestOf } = await import('../../registry/client.js');
      const { schemaTableRows, SCHEMA_TABLE_HEADER } = await import('../../config/schema-file.js');
      const { printJson, table } = await import('../output.js');
      const ctx = await registryContext();
      const { name, range } = parsePackageSpec(spec);
      const { packument, registry } = await fetchPackument(name, ctx);
      const version = pickVersion(packument, range, registry);
      const v = packument.versions[version]!;
      const manifest = templateManifestOf(v);
      const versions = Object.keys(packument.versions);
      if (opts.output === 'json') {
        return printJson({ name, version, description: v.description, registry, versions, distTags: packument['dist-tags'], integrity: v.dist?.integrity, berth: manifest });
      }
      const out = process.stdout;
      out.write(`${name}@${version}${v.description ? `: ${v.description}` : ''}\n`);
      out.write(`registry: ${registry}\n`);
      out.write(`versions: ${versions.join(', ')}\n`);
      out.write(`dist-tags: ${Object.entries(packument['dist-tags']).map(([t, x]) => `${t}=${x}`).join(', ')}\n`);
      out.write(`berth: ${manifest.engine}; app ${manifest.app}\n`);
      out.write(`services: ${manifest.services.map((s) => `${s.name} (${s.kind})`).join(', ')}\n`);
      out.write(`kinds: ${manifest.kinds.join(', ')}\n\nconfig:\n`);
      out.write(table(SCHEMA_TABLE_HEADER, schemaTableRows(manifest.config as never)));
    });
}

function addCommand(): Command {
  return new Command('add')
    .description("Add a template to the project's dependencies (npm install: package.json, package-lock.json, sha512 checked)")
    .argument('<pkg>', 'package, optionally with a range: @berth/redis, @berth/redis@^1')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  berth template add @berth/redis\n  berth template add @berth/redis@~1.2')
    .action(async (spec: string, opts: { output: string }) => {
      const { addTemplate } = await import('../../registry/project.js');
      const { info, printJson } = await import('../output.js');
      const result = await addTemplate(spec, await registryContext());
      if (opts.output === 'json') return printJson(result);
      info(`added ${result.name}@${result.version} (${result.range} in package.json; ${result.integrity ?? 'no integrity'} in package-lock.json)`);
    });
}

function updateCommand(): Command {
  return new Command('update')
    .description("Update the project's template dependencies (or one) to the newest version their range admits")
    .argument('[pkg]', 'only this template')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  berth template update\n  berth template update @berth/redis')
    .action(async (name: string | undefined, opts: { output: string }) => {
      const { updateTemplates } = await import('../../registry/project.js');
      const { info, printJson } = await import('../output.js');
      const result = await updateTemplates({ ...(await registryContext()), name });
      if (opts.output === 'json') return printJson(result);
      if (result.updated.length === 0) return info('every template dependency is at the newest version its range admits');
      for (const u of result.updated) info(`updated ${u.name} ${u.from} → ${u.to}`);
    });
}

/**
 * `outdated`: inside a project, its template dependencies; with `-n NS` / `-A`, deployed releases whose template has a
 * newer version (template-outdated.ts, the release side).
 */
function outdatedCommand(): Command {
  return queryFlags(new Command('outdated'), 'check the deployed releases of this namespace instead of the project')
    .description("List the project's template dependencies with a newer version (current, wanted, latest); with -n / -A, deployed releases")
    .option('-A, --all-namespaces', 'check deployed releases in every namespace')
    .addHelpText(
      'after',
      `
Examples:
  berth template outdated                  the project's template dependencies: CURRENT, WANTED (by the range), LATEST
  berth template outdated -n data          deployed releases in namespace data whose template has a newer version
  berth template outdated -A -o json

For releases, WANTED is the newest version in the deployed version's major (berth upgrade R --to ^<major>).
Exit code 0 either way.`,
    )
    .action(async (opts: QueryFlags & { allNamespaces?: boolean }) => {
      if (opts.namespace !== undefined || opts.allNamespaces) return runOutdated(opts);
      const { outdatedTemplates } = await import('../../registry/project.js');
      const { info, printJson, table } = await import('../output.js');
      const result = await outdatedTemplates(await registryContext());
      if (opts.output === 'json') return printJson(result);
      if (result.rows.length === 0) return info(`${result.checked} template dependencies, all up to date`);
      process.stdout.write(table(['NAME', 'CURRENT', 'WANTED', 'LATEST', 'RANGE'], result.rows.map((r) => [r.name, r.current, r.wanted, r.latest, r.range])));
    });
}

export function templateCommand(): Command {
  const template = new Command('template').description('Templates as npm packages: init, publish, search, info, add, update, outdated');
  for (const make of [initCommand, publishCommand, searchCommand, infoCommand, addCommand, updateCommand, outdatedCommand]) template.addCommand(make());
  return template;
}
