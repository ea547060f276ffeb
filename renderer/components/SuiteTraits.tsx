// A suite's traits as the core previews them: role, items × samples × contexts, every context's system prompt and,
// when the items were asked for, the scorers and the items themselves. The run form and the Settings browser share it.
import type { ProbePreview } from "../../shared/api.js";

export function SuiteTraits({ traits }: { traits: ProbePreview["traits"] }) {
  return (
    <ul className="suite-traits">
      {traits.map((t) => (
        <li key={`${t.suite}/${t.trait}`} data-trait={t.trait}>
          <strong>{t.name}</strong> <span className={`badge role-${t.role}`}>{t.role.replace(/_/g, " ")}</span> · {t.items} items × {t.samplesPerItem} samples × {t.contexts.length} contexts
          {t.scorers ? <span className="note"> · scored by {t.scorers.join(", ")}</span> : null}
          <ul>
            {t.contexts.map((c) => (
              <li key={c.key}>
                {c.key} ({c.role}): <span className="note">{c.system === null ? "no system prompt" : c.system}</span>
                {c.missing ? <span className="error"> · lacks {c.missing.map((m) => `{var.${m}}`).join(", ")}</span> : null}
              </li>
            ))}
          </ul>
          {t.itemTexts ? (
            <details>
              <summary>{t.itemTexts.length} items</summary>
              <ol className="suite-items">
                {t.itemTexts.map((i) => (
                  <li key={i.id}>
                    <span className="note">{i.id}</span> {i.prompt}
                    {i.system ? <span className="note"> (system: {i.system})</span> : null}
                  </li>
                ))}
              </ol>
            </details>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
