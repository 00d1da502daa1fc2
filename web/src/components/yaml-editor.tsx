import { yaml } from '@codemirror/lang-yaml';
import { EditorView, basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';

/** The YAML alternative to the form: CodeMirror 6 with YAML highlighting. */
export default function YamlEditor({ value, onChange, label }: { readonly value: string; readonly onChange: (text: string) => void; readonly label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(undefined);
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    view.current = new EditorView({
      parent: host.current!,
      doc: value,
      extensions: [
        basicSetup,
        yaml(),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) changed.current(update.state.doc.toString());
        }),
      ],
    });
    return () => view.current?.destroy();
    // The editor owns its text once created; `value` seeds it only.
  }, []);
  return <div className="yaml-editor" ref={host} />;
}
