import { ApplicationStage } from './recruiting.entity';

const { APPLIED, SCREENING, INTERVIEW, OFFER, HIRED, REJECTED } = ApplicationStage;

/** How a stage may be reached from another. */
export interface StageMove {
  to: ApplicationStage;
  /** `moveApplication` may make it; otherwise only the named operation does. */
  by: 'moveApplication' | 'hireApplicant';
}

/**
 * The legal moves of an application, written as data (as Vendure writes its order process): every
 * move, whoever makes it, is checked here. HIRED and REJECTED are final. Scheduling an interview
 * and making an offer move the application forward through these same moves.
 */
export const STAGE_MOVES: Readonly<Record<ApplicationStage, readonly StageMove[]>> = {
  [APPLIED]: [
    { to: SCREENING, by: 'moveApplication' },
    { to: INTERVIEW, by: 'moveApplication' },
    { to: REJECTED, by: 'moveApplication' },
  ],
  [SCREENING]: [
    { to: INTERVIEW, by: 'moveApplication' },
    { to: REJECTED, by: 'moveApplication' },
  ],
  [INTERVIEW]: [
    { to: OFFER, by: 'moveApplication' },
    { to: REJECTED, by: 'moveApplication' },
  ],
  [OFFER]: [
    { to: HIRED, by: 'hireApplicant' },
    { to: REJECTED, by: 'moveApplication' },
  ],
  [HIRED]: [],
  [REJECTED]: [],
};

/** The move from one stage to another, or undefined when there is none. */
export function stageMove(from: ApplicationStage, to: ApplicationStage): StageMove | undefined {
  return STAGE_MOVES[from].find((move) => move.to === to);
}

/** Whether an application in this stage is over (nothing more happens to it). */
export function isFinalStage(stage: ApplicationStage): boolean {
  return STAGE_MOVES[stage].length === 0;
}
