import type { CataloguePage } from '../../domain/procedures/procedure-search.ts';
import { ProcedureSearch, type CatalogueSearchText } from '../components/procedure-search.tsx';
import { Layout } from '../layout.tsx';
import type { PageContext } from '../page-context.ts';

/**
 * The counter's procedure chooser as a search (Tra cứu thủ tục): with a catalogue of a hundred procedures
 * a list to scroll is no way to find one while the applicant waits. Each result leads to the intake form
 * with the procedure chosen.
 */
export function CounterProcedureSearchView({ page, search, sectors, result, error }: { page: PageContext; search: CatalogueSearchText; sectors: string[]; result: CataloguePage | null; error?: string }) {
  return (
    <Layout page={page} title="Tra cứu thủ tục để tiếp nhận">
      <p>
        <a href="/counter/intake">← Tiếp nhận hồ sơ</a>
      </p>
      <ProcedureSearch
        path="/counter/thu-tuc"
        search={search}
        sectors={sectors}
        result={result}
        error={error}
        renderItem={(p) => (
          <li class="panel">
            <h2>{p.name}</h2>
            <dl class="facts">
              <dt>Mã thủ tục</dt>
              <dd>{p.code}</dd>
              {p.sector && (
                <>
                  <dt>Lĩnh vực</dt>
                  <dd>{p.sector}</dd>
                </>
              )}
              <dt>Thời hạn giải quyết</dt>
              <dd>{`${p.rules.workingDays} ngày làm việc`}</dd>
              <dt>Thành phần hồ sơ</dt>
              <dd>{`${p.rules.requiredPapers.length} giấy tờ`}</dd>
            </dl>
            <p>
              <a class="button" href={`/counter/intake?procedureId=${p.id}`}>
                Tiếp nhận hồ sơ thủ tục này
              </a>
            </p>
          </li>
        )}
      />
    </Layout>
  );
}
