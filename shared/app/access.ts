/**
 * Who may do what, worked out from the org data and the evaluation's snapshot, never from the client.
 * One `Access` lives for one request and memoises what it reads.
 */
import { config } from '../config.ts';
import { bodyRoleId, hrRoleId, roleOf, type TopHeadApprover } from '../domain/assignment.ts';
import { forbidden } from '../domain/errors.ts';
import type { ActorRelations } from '../domain/types.ts';
import type { Delegation, Employee, StoredEvaluation, Unit } from '../store/entities.ts';
import type { Store } from '../store/store.ts';
import { type Caller, isAdmin, isHr, type Principal } from './caller.ts';

/** The active head of a unit, if there is exactly one; more than one is a data error reported as none. */
export function headOf(staff: readonly Employee[]): Employee | null {
  const heads = staff.filter((e) => e.isUnitHead && e.active);
  return heads.length === 1 ? (heads[0] ?? null) : null;
}

/** The unit and its ancestors, nearest first. Stops on a cycle rather than looping. */
export async function unitChain(store: Store, unitId: string): Promise<Unit[]> {
  const chain: Unit[] = [];
  const seen = new Set<string>();
  let next: string | null = unitId;
  while (next !== null && !seen.has(next)) {
    seen.add(next);
    const unit = await store.org.getUnit(next);
    if (!unit) break;
    chain.push(unit);
    next = unit.parentId;
  }
  return chain;
}

const perCaller = new WeakMap<Caller, Access>();

export class Access {
  /** The caller's `Access`, made once per caller (one request): what it reads is read once. */
  static of(caller: Caller): Access {
    let access = perCaller.get(caller);
    if (!access) {
      access = new Access(caller);
      perCaller.set(caller, access);
    }
    return access;
  }

  private meLoaded: Promise<Employee | null> | undefined;
  private readonly chains = new Map<string, Promise<Unit[]>>();
  private readonly heads = new Map<string, Promise<Employee | null>>();
  private readonly delegations = new Map<string, Promise<Delegation[]>>();
  readonly store: Store;
  readonly principal: Principal;
  readonly now: Date;
  /** Who evaluates the heads of top-level units, from the deployment's configuration. */
  readonly topHeadApprover: TopHeadApprover;

  private constructor(caller: Caller) {
    this.store = caller.store;
    this.principal = caller.principal;
    this.now = caller.now;
    this.topHeadApprover = config().topHeadApprover;
  }

  get isAdmin(): boolean {
    return isAdmin(this.principal);
  }

  get isHr(): boolean {
    return isHr(this.principal);
  }

  /** The caller's employee record; an admin need not have one. */
  me(): Promise<Employee | null> {
    this.meLoaded ??= this.store.org.getEmployee(this.principal.employeeId);
    return this.meLoaded;
  }

  chain(unitId: string): Promise<Unit[]> {
    let chain = this.chains.get(unitId);
    if (!chain) {
      chain = unitChain(this.store, unitId);
      this.chains.set(unitId, chain);
    }
    return chain;
  }

  head(unitId: string): Promise<Employee | null> {
    let head = this.heads.get(unitId);
    if (!head) {
      head = this.store.org.listUnitStaff(unitId).then(headOf);
      this.heads.set(unitId, head);
    }
    return head;
  }

  /** HR's scope is the subtree of its own unit. */
  async hrScopeContains(unitId: string): Promise<boolean> {
    if (!this.isHr) return false;
    const me = await this.me();
    if (!me?.active) return false;
    return (await this.chain(unitId)).some((u) => u.id === me.unitId);
  }

  /** HR's own unit when it is a top-level unit: the scope that may run city-wide operations such as periods. */
  async isTopLevelHr(): Promise<boolean> {
    if (!this.isHr) return false;
    const me = await this.me();
    if (!me?.active) return false;
    const chain = await this.chain(me.unitId);
    return chain.length === 1;
  }

  /** Admin, or HR whose scope contains the unit. */
  async canManageUnit(unitId: string): Promise<boolean> {
    return this.isAdmin || (await this.hrScopeContains(unitId));
  }

  async requireManage(unitId: string): Promise<void> {
    if (!(await this.canManageUnit(unitId))) throw forbidden('Đơn vị này nằm ngoài phạm vi quản lý của bạn.');
  }

  /** Head of the unit or of one of its ancestors: sees the unit's reports. */
  async headsUnitOrAncestor(unitId: string): Promise<boolean> {
    for (const unit of await this.chain(unitId)) {
      if ((await this.head(unit.id))?.id === this.principal.employeeId) return true;
    }
    return false;
  }

  async isActingHeadOf(unitId: string, headId: string): Promise<boolean> {
    const now = this.now.getTime();
    let listed = this.delegations.get(unitId);
    if (!listed) {
      listed = this.store.org.listUnitDelegations(unitId);
      this.delegations.set(unitId, listed);
    }
    const delegations = await listed;
    return delegations.some(
      (d) =>
        d.delegateId === this.principal.employeeId &&
        d.headId === headId &&
        Date.parse(d.from) <= now &&
        now <= Date.parse(d.to),
    );
  }

  /**
   * Whether the caller acts as this reviewer or approver: the person it names, or a role it holds (DOMAIN.md
   * "Heads of top-level units"): `hr@<unit>` is any active HR whose own unit is that top-level unit; `body@<id>` a
   * listed member (an active employee) of the configured collective body.
   */
  async actsAs(id: string): Promise<boolean> {
    if (id === this.principal.employeeId) return true;
    const role = roleOf(id);
    if (role === null) return false;
    if (role.kind === 'hr') {
      if (!this.isHr) return false;
      const me = await this.me();
      return me?.active === true && me.unitId === role.unitId;
    }
    const body = this.topHeadApprover;
    if (body.kind !== 'body' || body.id !== role.bodyId) return false;
    if (!body.members.includes(this.principal.employeeId)) return false;
    return (await this.me())?.active === true;
  }

  /** The role ids the caller holds now (for its review and approval lists): none for most people. */
  async roleIds(): Promise<string[]> {
    const ids: string[] = [];
    const body = this.topHeadApprover;
    if (this.isHr || (body.kind === 'body' && body.members.includes(this.principal.employeeId))) {
      const me = await this.me();
      if (me?.active) {
        if (this.isHr && (await this.isTopLevelHr())) ids.push(hrRoleId(me.unitId));
        if (body.kind === 'body' && body.members.includes(me.id)) ids.push(bodyRoleId(body.id));
      }
    }
    return ids;
  }

  /**
   * The caller's relations to an evaluation (or to what a list keeps of its parties, e.g. a pending appeal).
   * `forAction`: the caller means to take this action; whether it decides appeals (a walk up the unit tree and the
   * parent's staff, the costliest look-up) is then worked out only for `decideAppeal`, and whether it is the acting
   * head (a Query of the unit's delegations) only for an action taken in the head's place; either is also worked
   * out when nothing else relates the caller to the evaluation (so a stranger still gets 404 and the decider or the
   * acting head 403, as without it).
   */
  async relationsTo(
    evaluation: EvaluationParties,
    options: { forAction?: string } = {},
  ): Promise<ActorRelations> {
    const me = this.principal.employeeId;
    const decides = () =>
      this.chain(evaluation.approverUnitId).then((chain) => (chain[1] ? this.head(chain[1].id) : null));
    const actsForHead = () =>
      evaluation.approverId === me
        ? Promise.resolve(false)
        : this.isActingHeadOf(evaluation.approverUnitId, evaluation.approverId);
    const deciderNeeded = options.forAction === undefined || options.forAction === 'decideAppeal';
    const actingNeeded = options.forAction === undefined || !OWN_ROLE_ACTIONS.has(options.forAction);
    // Independent look-ups, in parallel: they are most of a request's latency.
    const [decider, acting, hrInScope, reviewsAsRole, approvesAsRole] = await Promise.all([
      deciderNeeded ? decides() : null,
      actingNeeded ? actsForHead() : false,
      evaluation.employeeId === me ? false : this.hrScopeContains(evaluation.unitId),
      roleOf(evaluation.reviewerId) === null ? false : this.actsAs(evaluation.reviewerId),
      roleOf(evaluation.approverId) === null ? false : this.actsAs(evaluation.approverId),
    ]);
    const relations: ActorRelations = {
      actorId: me,
      isEmployee: evaluation.employeeId === me,
      isReviewer: evaluation.reviewerId === me || reviewsAsRole,
      isApprover: evaluation.approverId === me || approvesAsRole,
      isActingApprover: acting,
      isAppealDecider: decider !== null && decider.id === me && evaluation.employeeId !== me,
      isHrInScope: hrInScope,
      isAdmin: this.isAdmin,
    };
    if (!hasAnyRelation(relations) && !(deciderNeeded && actingNeeded)) {
      const [found, actingFound] = await Promise.all([
        deciderNeeded ? decider : decides(),
        actingNeeded ? acting : actsForHead(),
      ]);
      relations.isAppealDecider = found !== null && found.id === me && evaluation.employeeId !== me;
      relations.isActingApprover = actingFound;
    }
    return relations;
  }
}

/**
 * Actions a person takes in their own right (the employee's own steps, the reviewer's review), never in the
 * head's place: being the acting head changes nothing in them (DOMAIN.md "Acting head": an acting head approves
 * and returns), so their authorization does not look the delegations up when the caller is already a party.
 */
const OWN_ROLE_ACTIONS = new Set<string>(['saveSelfAssessment', 'submit', 'appeal', 'review']);

/** What the relations to an evaluation are worked out from: its people and units. */
export type EvaluationParties = Pick<
  StoredEvaluation,
  'employeeId' | 'unitId' | 'reviewerId' | 'approverId' | 'approverUnitId'
>;

export function hasAnyRelation(r: ActorRelations): boolean {
  return (
    r.isEmployee ||
    r.isReviewer ||
    r.isApprover ||
    r.isActingApprover ||
    r.isAppealDecider ||
    r.isHrInScope ||
    r.isAdmin
  );
}

/** Ids of a unit and everything below it, from a list of all units already in hand. */
export function subtreeIds(units: readonly Pick<Unit, 'id' | 'parentId'>[], rootId: string): Set<string> {
  const children = new Map<string | null, string[]>();
  for (const u of units) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u.id]);
  const found = new Set<string>();
  const stack = units.some((u) => u.id === rootId) ? [rootId] : [];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (found.has(id)) continue;
    found.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return found;
}
