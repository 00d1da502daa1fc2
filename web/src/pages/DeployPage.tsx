// The Form module itself: @rjsf/core's index also re-exports a test registry that imports @rjsf/validator-ajv8, a
// validator this console deliberately does not use (validation is the API's).
import Form from '@rjsf/core/lib/components/Form.js';
import type { RJSFSchema } from '@rjsf/utils';
import { Suspense, lazy, useEffect, useMemo, useState } from 'react';
import { parse, stringify } from 'yaml';
import type { DeployRequest, DeploySource, FieldError, OperationRef, PlanView, SchemaView, SourceList, ValidateRequest } from '../../../src/ui/api-types.js';
import { postJson } from '../api.js';
import { ErrorBox, Loading, OperationLog, PlanPanel } from '../components/common.js';
import { CollapsibleObject } from '../components/form-parts.js';
import { serverSideValidation } from '../lib/server-validation.js';
import { useApi, useDebounced } from '../components/hooks.js';
import { fieldErrorLine } from '../lib/lines.js';
import { errorTree, formDataFrom, requestValues, uiSchemaFor } from '../lib/schema-form.js';
import { pageHref, queryString, releaseHref } from '../lib/routes.js';

// CodeMirror is loaded when the YAML tab is first opened.
const YamlEditor = lazy(() => import('../components/yaml-editor.js'));

function sourceFrom(query: URLSearchParams): DeploySource | undefined {
  const template = query.get('template');
  if (template) return { template };
  const app = query.get('app');
  if (app) return { app, env: query.get('env') ?? undefined };
  return undefined;
}

export function DeployPage({ query }: { readonly query: URLSearchParams }) {
  const source = sourceFrom(query);
  if (!source) return <SourcePicker />;
  return <DeployForm key={query.toString()} source={source} query={query} />;
}

function SourcePicker() {
  const sources = useApi<SourceList>('/api/sources');
  return (
    <main>
      <h1>Deploy</h1>
      {sources.error && <ErrorBox error={sources.error} />}
      {sources.loading && <Loading />}
      {sources.data && (
        <>
          <h2>Apps of the project</h2>
          <ul>
            {sources.data.apps.map((a) =>
              a.envs.map((env) => (
                <li key={`${a.name}/${env}`}>
                  <a href={pageHref('deploy', { app: a.name, env })}>{a.name} ({env})</a>
                </li>
              )),
            )}
          </ul>
          <h2>Installed templates</h2>
          {sources.data.templates.length === 0 ? <p className="muted">None. See the <a href={pageHref('catalog')}>catalog</a>.</p> : (
            <ul>
              {sources.data.templates.map((t) => (
                <li key={t.name}>
                  <a href={pageHref('deploy', { template: `${t.name}@${t.version}` })}>{t.name}@{t.version}</a> {t.description && <span className="muted">{t.description}</span>}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </main>
  );
}

function DeployForm({ source, query }: { readonly source: DeploySource; readonly query: URLSearchParams }) {
  const context = query.get('context') ?? undefined;
  const upgrading = query.get('release') ?? undefined;
  const [release, setRelease] = useState(upgrading ?? '');
  const [namespace, setNamespace] = useState(query.get('namespace') ?? 'default');
  const schemaPath = `/api/schema${queryString({ ...('template' in source ? { template: source.template } : { app: source.app, env: source.env }), namespace: upgrading ? namespace : undefined, release: upgrading, context })}`;
  const schema = useApi<SchemaView>(schemaPath);
  const initial = useMemo(() => (schema.data ? formDataFrom(schema.data.values) : undefined), [schema.data]);
  const [values, setValues] = useState<unknown>();
  const [mode, setMode] = useState<'form' | 'yaml'>('form');
  const [yamlText, setYamlText] = useState('');
  const [yamlError, setYamlError] = useState<string>();
  const [fields, setFields] = useState<readonly FieldError[]>([]);
  const [validating, setValidating] = useState(false);
  const [plan, setPlan] = useState<PlanView>();
  const [operation, setOperation] = useState<string>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (initial) setValues(initial.data);
  }, [initial]);
  const rootSchema = schema.data?.schema;
  const request = values === undefined || !rootSchema ? undefined : requestValues(values, rootSchema);
  const debounced = useDebounced(request, 350);
  // Values typed in the last 350 ms are not checked yet: the last answer is about older values, so it is not shown
  // and Preview waits (it used to show, for that moment, the old "Valid." or problems).
  const unchecked = JSON.stringify(request) !== JSON.stringify(debounced);
  const checking = validating || unchecked;
  useEffect(() => {
    if (debounced === undefined) return undefined;
    const abort = new AbortController();
    setValidating(true);
    const body: ValidateRequest = { source, values: debounced };
    postJson<{ fields: FieldError[] }>('/api/validate', body, abort.signal).then(
      (answer) => { setFields(answer.fields); setValidating(false); },
      (e: Error) => { if (e.name !== 'AbortError') { setError(e); setValidating(false); } },
    );
    return () => abort.abort();
    // `source` comes from the URL; this component is keyed by it.
  }, [debounced]);

  const uiSchema = useMemo(() => (rootSchema && initial ? uiSchemaFor(rootSchema, rootSchema, initial.secretSet) : {}), [rootSchema, initial]);
  const extraErrors = useMemo(() => errorTree(fields), [fields]);

  const deployRequest = (): DeployRequest => ({ source, release: release.trim(), namespace: namespace.trim(), context, values: request });
  const act = async (run: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await run();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const preview = () => act(async () => setPlan(await postJson<PlanView>('/api/deploy/plan', deployRequest())));
  const deploy = () => act(async () => setOperation((await postJson<OperationRef>('/api/deploy', deployRequest())).id));
  const switchMode = (next: 'form' | 'yaml') => {
    if (next === 'yaml') setYamlText(stringify(values ?? {}));
    setYamlError(undefined);
    setMode(next);
  };
  const onYaml = (text: string) => {
    setYamlText(text);
    try {
      setValues(parse(text) ?? {});
      setYamlError(undefined);
      setPlan(undefined);
    } catch (e) {
      setYamlError((e as Error).message);
    }
  };
  const title = 'template' in source ? source.template : `${source.app}${source.env ? ` (${source.env})` : ''}`;
  const locked = operation !== undefined;
  return (
    <main>
      <h1>{upgrading ? `Upgrade ${upgrading}` : 'Deploy'} <span className="muted">{title}</span></h1>
      <div className="filters">
        <label>
          Release name
          <input type="text" value={release} required readOnly={upgrading !== undefined || locked} onChange={(e) => { setRelease(e.target.value); setPlan(undefined); }} />
        </label>
        <label>
          Namespace
          <input type="text" value={namespace} required readOnly={upgrading !== undefined || locked} onChange={(e) => { setNamespace(e.target.value); setPlan(undefined); }} />
        </label>
      </div>
      {schema.error && <ErrorBox error={schema.error} />}
      {schema.loading && <Loading />}
      {rootSchema && values !== undefined && (
        <>
          <div className="tabs" role="group" aria-label="Edit the config as">
            <button type="button" aria-pressed={mode === 'form'} onClick={() => switchMode('form')}>Form</button>
            <button type="button" aria-pressed={mode === 'yaml'} onClick={() => switchMode('yaml')}>YAML</button>
          </div>
          {mode === 'form' ? (
            <Form
              schema={rootSchema as RJSFSchema}
              uiSchema={{ ...uiSchema, 'ui:submitButtonOptions': { norender: true } }}
              formData={values}
              validator={serverSideValidation}
              extraErrors={extraErrors as never}
              showErrorList={false}
              noHtml5Validate
              disabled={locked}
              templates={{ ObjectFieldTemplate: CollapsibleObject }}
              onChange={(e) => { setValues(e.formData); setPlan(undefined); }}
            />
          ) : (
            <>
              <Suspense fallback={<Loading />}>
                <YamlEditor value={yamlText} onChange={onYaml} label="Config as YAML" />
              </Suspense>
              {yamlError && <p className="error" role="alert">YAML: {yamlError}</p>}
            </>
          )}
          <p className="validation" role="status" data-testid="validation">
            {checking ? 'Checking…' : fields.length === 0 ? 'Valid.' : `${fields.length} problem${fields.length === 1 ? '' : 's'}: ${fields.map(fieldErrorLine).join('; ')}`}
          </p>
          <div className="actions">
            <button type="button" onClick={() => void preview()} disabled={busy || locked || checking || fields.length > 0 || yamlError !== undefined || !release.trim()}>
              Preview
            </button>
            {plan && !locked && (
              <button type="button" className="primary" onClick={() => void deploy()} disabled={busy || plan.refusals.length > 0}>
                Deploy
              </button>
            )}
          </div>
        </>
      )}
      {error && <ErrorBox error={error} />}
      {plan && <PlanPanel plan={plan} />}
      {operation && (
        <>
          <OperationLog id={operation} />
          <p>
            <a href={releaseHref(namespace.trim(), release.trim(), undefined, { context })}>Open release {release.trim()}</a>
          </p>
        </>
      )}
    </main>
  );
}
