import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  defineGroupLoader,
  defineLoader,
  readById,
  readPage,
  readPagesPerParent,
  readRelated,
  type PageArgs,
  type ReadContext,
} from '../../read';
import { runKeyedSql } from '../../db/sql';
import { hasAnyRole, type Viewer } from '../common/viewer';
import { Permissions } from '../auth/permissions';
import { Department } from '../employees/employee.entity';
import {
  Application,
  ApplicationStageChange,
  Candidate,
  Interview,
  InterviewInterviewer,
  JobOpening,
  Offer,
  Scorecard,
} from './recruiting.entity';

/**
 * How recruiting reads. Who sees what: HR and ADMIN (`Permissions.people.recruiting`) everything;
 * any other employee only the applications they interview for (`interviewerView`), and on those
 * the other interviewers' scorecards only once they submitted their own (`scorecardVisible`).
 */

/** Whether the viewer manages recruiting (and sees all of it). */
export function managesRecruiting(viewer: Viewer): boolean {
  return hasAnyRole(viewer, Permissions.people.recruiting);
}

/** Openings, newest first. */
export function jobOpeningPage(
  context: ReadContext,
  where: FilterQuery<JobOpening>,
  args: PageArgs,
) {
  return readPage(context, JobOpening, where, args, { orderBy: { id: 'desc' } });
}

/** Applications, newest first. */
export function applicationPage(
  context: ReadContext,
  where: FilterQuery<Application>,
  args: PageArgs,
) {
  return readPage(context, Application, where, args, { orderBy: { id: 'desc' } });
}

/** An opening's applications, newest first, one statement for every opening of the request. */
export function applicationsOfOpening(context: ReadContext, openingId: number, args: PageArgs) {
  return readPagesPerParent(
    context,
    Application,
    { property: 'jobOpening', id: openingId },
    {},
    args,
    { orderBy: { id: 'desc' } },
  );
}

/** The ids of the applications an employee interviews for (on at least one interview). */
export async function applicationIdsOfInterviewer(
  context: ReadContext,
  employeeId: number,
): Promise<number[]> {
  const rows = await runKeyedSql<{ application_id: string }>(
    context.em,
    `SELECT DISTINCT i.application_id FROM interview_interviewer ii
       JOIN interview i ON i.id = ii.interview_id
      WHERE ii.employee_id = ? ORDER BY 1`,
    [employeeId],
  );
  return rows.map((row) => Number(row.application_id));
}

/** What one interviewer has to do with an application: the interviews they are on, and scored. */
export interface InterviewerView {
  on: ReadonlySet<number>;
  submitted: ReadonlySet<number>;
}

/** A read context with its viewer (a request's). */
type ViewerContext = ReadContext & { viewer: Viewer | undefined };

/** The viewer's part in each application: one statement per request (the loader is per request). */
const interviewerViews = defineLoader<number, InterviewerView, ViewerContext>(
  'recruiting.interviewerView',
  async (context, applicationIds) => {
    const rows = await runKeyedSql<{
      application_id: string;
      interview_id: string;
      submitted: boolean;
    }>(
      context.em,
      `SELECT i.application_id, i.id AS interview_id,
              EXISTS (SELECT 1 FROM scorecard s
                       WHERE s.interview_id = i.id AND s.interviewer_id = ii.employee_id) AS submitted
         FROM interview i JOIN interview_interviewer ii ON ii.interview_id = i.id
        WHERE i.application_id = ANY(?) AND ii.employee_id = ?`,
      [[...applicationIds], context.viewer?.employeeId ?? 0],
    );
    const views = new Map(
      applicationIds.map((id) => [id, { on: new Set<number>(), submitted: new Set<number>() }]),
    );
    for (const row of rows) {
      const view = views.get(Number(row.application_id));
      view?.on.add(Number(row.interview_id));
      if (row.submitted) view?.submitted.add(Number(row.interview_id));
    }
    return applicationIds.map((id) => views.get(id) ?? { on: new Set(), submitted: new Set() });
  },
);

export function interviewerView(
  context: ViewerContext,
  applicationId: number,
): Promise<InterviewerView> {
  return interviewerViews.load(context, applicationId);
}

/**
 * Whether the viewer sees another interviewer's scorecard on an interview of an application: on
 * an interview they are on, once they submitted theirs for it; on one they are not on, once they
 * submitted theirs for every interview of the application they are on.
 */
export function scorecardVisible(view: InterviewerView, interviewId: number): boolean {
  if (view.on.has(interviewId)) return view.submitted.has(interviewId);
  return view.on.size > 0 && view.submitted.size === view.on.size;
}

/** Whether the viewer may see the application: they manage recruiting or interview for it. */
export async function mayReadApplication(
  context: ViewerContext,
  applicationId: number,
): Promise<boolean> {
  const viewer = context.viewer;
  if (!viewer) return false;
  if (managesRecruiting(viewer)) return true;
  return (await interviewerView(context, applicationId)).on.size > 0;
}

/** An application by id, or null when it does not exist or the viewer may not see it. */
export async function readableApplication(
  context: ViewerContext,
  id: number,
): Promise<Application | null> {
  if (!(await mayReadApplication(context, id))) return null;
  return readById(context, Application, id);
}

export const historyOfApplication = defineGroupLoader<ApplicationStageChange>(
  'recruiting.historyOfApplication',
  (context, ids) =>
    context.em.find(
      ApplicationStageChange,
      { application: { $in: [...ids] } },
      { orderBy: { application: 'asc', id: 'asc' } },
    ),
  (change) => change.application.id,
);

export const offersOfApplication = defineGroupLoader<Offer>(
  'recruiting.offersOfApplication',
  (context, ids) =>
    context.em.find(
      Offer,
      { application: { $in: [...ids] } },
      { orderBy: { application: 'asc', id: 'asc' } },
    ),
  (offer) => offer.application.id,
);

export const interviewsOfApplication = defineGroupLoader<Interview>(
  'recruiting.interviewsOfApplication',
  (context, ids) =>
    context.em.find(
      Interview,
      { application: { $in: [...ids] } },
      { orderBy: { application: 'asc', scheduledAt: 'asc', id: 'asc' } },
    ),
  (interview) => interview.application.id,
);

export const interviewersOfInterview = defineGroupLoader<InterviewInterviewer>(
  'recruiting.interviewersOfInterview',
  (context, ids) =>
    context.em.find(
      InterviewInterviewer,
      { interview: { $in: [...ids] } },
      { orderBy: { interview: 'asc', employee: 'asc' } },
    ),
  (row) => row.interview.id,
);

export const scorecardsOfInterview = defineGroupLoader<Scorecard>(
  'recruiting.scorecardsOfInterview',
  (context, ids) =>
    context.em.find(
      Scorecard,
      { interview: { $in: [...ids] } },
      { orderBy: { interview: 'asc', id: 'asc' } },
    ),
  (scorecard) => scorecard.interview.id,
);

export const applicationsOfCandidate = defineGroupLoader<Application>(
  'recruiting.applicationsOfCandidate',
  (context, ids) =>
    context.em.find(
      Application,
      { candidate: { $in: [...ids] } },
      { orderBy: { candidate: 'asc', id: 'asc' } },
    ),
  (application) => application.candidate.id,
);

export function candidateById(context: ReadContext, id: number): Promise<Candidate | null> {
  return readById(context, Candidate, id);
}

export function openingById(context: ReadContext, id: number): Promise<JobOpening | null> {
  return readById(context, JobOpening, id);
}

export function interviewById(context: ReadContext, id: number): Promise<Interview | null> {
  return readById(context, Interview, id);
}

/** An opening's department (the employees module's row). */
export function departmentOf(context: ReadContext, reference: { id: number }) {
  return readRelated(context, Department, reference);
}

/** A department's id by its name, or null (the demo seed names its department). */
export async function departmentIdNamed(em: EntityManager, name: string): Promise<number | null> {
  return (await em.findOne(Department, { name }))?.id ?? null;
}
