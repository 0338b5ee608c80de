import { PipelineSpecUsageError } from './pipeline-spec-errors';
import { renderSql, scanSqlTemplate, sqlTemplateRefs } from './sql-template';

describe('SQL templates', () => {
  it('finds refs in order of first use, without duplicates, with either quote style', () => {
    expect(sqlTemplateRefs(`select * from {{ref('b')}} join {{ ref("a") }} using (x) join {{  ref( 'b' )  }} using (y)`)).toEqual(['b', 'a']);
  });

  it('finds {{ input }}', () => {
    const scan = scanSqlTemplate('select count(*) from {{ input }}');
    expect(scan).toEqual({ ok: true, occurrences: [{ target: { kind: 'input' }, start: 21, end: 32 }] });
  });

  it.each([
    ["{{ ref('Bad') }}", /not a valid identifier/],
    ["{{ ref('a'); drop table x; --') }}", /unknown template expression/],
    ['{{ source("x") }}', /unknown template expression/],
    ['{{ input ', /unbalanced/],
    ['select 1 }}', /unbalanced/],
  ])('refuses %s', (sql, message) => {
    const scan = scanSqlTemplate(sql);
    expect(scan.ok ? undefined : scan.message).toMatch(message);
  });

  it('renders each expression as a quoted, schema-qualified table', () => {
    const sql = renderSql("select * from {{ ref('load') }} l join {{ input }} i using (id)", (target) =>
      target.kind === 'ref' ? { schema: 't_acme', table: `stg_${target.step}` } : { schema: 't_acme', table: 'we"ird' },
    );
    expect(sql).toBe('select * from "t_acme"."stg_load" l join "t_acme"."we""ird" i using (id)');
  });

  it('refuses to render an invalid template', () => {
    expect(() => renderSql('{{ nope }}', () => ({ schema: 's', table: 't' }))).toThrow(PipelineSpecUsageError);
  });
});
