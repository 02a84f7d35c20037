import { useI18n } from '../i18n.js';

/** A source code in words, the code itself in a tooltip (and for screen readers, after the words). */
export function SourceLabel({ code }: { code: string | null }) {
  const { t } = useI18n();
  if (code === null) return <>—</>;
  const label = t.sources[code];
  if (!label) return <>{code}</>;
  return (
    <abbr title={code} data-source={code}>
      {label}
    </abbr>
  );
}
