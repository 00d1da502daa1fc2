import type { ObjectFieldTemplateProps } from '@rjsf/utils';

/** Nested config objects as collapsible groups (`<details>`: keyboard-operable, labelled by its summary). */
export function CollapsibleObject(props: ObjectFieldTemplateProps) {
  const { title, description, properties, fieldPathId } = props;
  const fields = properties.filter((p) => !p.hidden).map((p) => <div key={p.name}>{p.content}</div>);
  if (fieldPathId.path.length === 0) return <div className="form-root">{fields}</div>;
  return (
    <details className="group" open id={fieldPathId.$id}>
      <summary>
        {title}
        {props.required && <span className="required" aria-label="required">*</span>}
      </summary>
      {description && <div className="field-description">{description}</div>}
      {fields}
    </details>
  );
}
