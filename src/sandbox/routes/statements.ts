// Statements: start the statements job, list, read, download the PDF.
import type { FastifyInstance } from 'fastify';
import { badRequest, notFound } from '../errors';
import { findInstitution } from '../institutions';
import { startJob } from '../lifecycle';
import { MAX_PER_PAGE, paginate, parsePageRequest } from '../pagination';
import { sendStatementPdf } from '../pdf-response';
import type { Member } from '../store';
import { memberView, statementView } from '../views';
import type { Params, Query, RouteContext } from './context';

const MEMBER = '/users/:user_guid/members/:member_guid';

export function registerStatementRoutes(app: FastifyInstance, { state, storeOf }: RouteContext): void {
  app.post(`${MEMBER}/fetch_statements`, async (request, reply) => {
    const store = storeOf(request);
    const { user_guid, member_guid } = request.params as Params;
    const member = state.member(store, user_guid!, member_guid!);
    const institution = findInstitution(member.institutionCode)!;
    if (!institution.supports_account_statement) {
      throw badRequest(`${institution.name} (${institution.code}) does not support statements`);
    }
    startJob(store, member, 'statements', state.now());
    return reply.code(202).send({ member: memberView(member, state.user(store, user_guid!).id) });
  });

  app.get(`${MEMBER}/statements`, async (request) => {
    const store = storeOf(request);
    const { user_guid, member_guid } = request.params as Params;
    const member = state.member(store, user_guid!, member_guid!);
    const { items, pagination } = paginate(member.statements, parsePageRequest(request.query as Query, MAX_PER_PAGE.default));
    const views = await Promise.all(
      items.map(async (statement) => statementView(statement, (await state.renderStatement(store, member, statement)).contentHash)),
    );
    return { statements: views, pagination };
  });

  // One route for `{guid}` (JSON) and `{guid}.pdf` (the bytes): the router cannot tell them apart.
  app.get(`${MEMBER}/statements/:statement_file`, async (request, reply) => {
    const store = storeOf(request);
    const { user_guid, member_guid, statement_file } = request.params as Params;
    const member = state.member(store, user_guid!, member_guid!);
    const wantsPdf = statement_file!.endsWith('.pdf');
    const statement = findStatement(member, wantsPdf ? statement_file!.slice(0, -4) : statement_file!);
    const rendered = await state.renderStatement(store, member, statement);
    if (wantsPdf) return sendStatementPdf(request, reply, state, rendered);
    return { statement: statementView(statement, rendered.contentHash) };
  });
}

function findStatement(member: Member, guid: string) {
  const statement = member.statements.find((s) => s.guid === guid);
  if (!statement) throw notFound(`statement ${guid} was not found for member ${member.guid}`);
  return statement;
}
