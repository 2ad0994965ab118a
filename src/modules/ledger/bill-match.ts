/** How a bill compares with the purchase order it bills (three-way match). */
export enum BillMatchStatus {
  /** It bills no purchase order. */
  NONE = 'NONE',
  /** Every line is within what was received and within the price tolerance. */
  MATCHED = 'MATCHED',
  /** A line bills more than was received, or a price outside the tolerance: not paid until approved. */
  EXCEPTION = 'EXCEPTION',
}
