/** The account every local resource belongs to. */
export const ACCOUNT_ID = '000000000000';
