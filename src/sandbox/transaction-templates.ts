// What the sandbox's transactions look like, by account type: each template is one kind of payee with its
// MX description, category and amount range. Where and when they happen is in transactions.ts.

export interface Template {
  description: string;
  original: string;
  category: string;
  topLevel: string;
  type: 'CREDIT' | 'DEBIT';
  amount: [number, number];
  flags?: Partial<Record<'is_bill_pay' | 'is_direct_deposit' | 'is_fee' | 'is_recurring' | 'is_subscription', boolean>>;
}

const SPENDING: Template[] = [
  {
    description: "Smith's Grocery",
    original: 'SMITHS FOOD #4411',
    category: 'Groceries',
    topLevel: 'Food & Dining',
    type: 'DEBIT',
    amount: [12, 180],
  },
  {
    description: 'Starbucks',
    original: 'STARBUCKS STORE 0988',
    category: 'Coffee Shops',
    topLevel: 'Food & Dining',
    type: 'DEBIT',
    amount: [3, 14],
  },
  { description: 'Chevron', original: 'CHEVRON 0301234', category: 'Gas', topLevel: 'Auto & Transport', type: 'DEBIT', amount: [25, 80] },
  { description: 'Amazon', original: 'AMZN MKTP US*2K4', category: 'Shopping', topLevel: 'Shopping', type: 'DEBIT', amount: [8, 250] },
  {
    description: 'Netflix',
    original: 'NETFLIX.COM',
    category: 'Television',
    topLevel: 'Entertainment',
    type: 'DEBIT',
    amount: [15.49, 15.49],
    flags: { is_recurring: true, is_subscription: true },
  },
  {
    description: 'Olive Garden',
    original: 'OLIVE GARDEN 0042',
    category: 'Restaurants',
    topLevel: 'Food & Dining',
    type: 'DEBIT',
    amount: [20, 95],
  },
];
export const TEMPLATES: Record<string, Template[]> = {
  CHECKING: [
    {
      description: 'MX Technologies',
      original: 'MX TECHNOLOGIES PAYROLL',
      category: 'Paycheck',
      topLevel: 'Income',
      type: 'CREDIT',
      amount: [1800, 3200],
      flags: { is_direct_deposit: true, is_recurring: true },
    },
    {
      description: 'Rocky Mountain Power',
      original: 'ROCKY MTN POWER ONLINE PMT',
      category: 'Utilities',
      topLevel: 'Bills & Utilities',
      type: 'DEBIT',
      amount: [60, 190],
      flags: { is_bill_pay: true },
    },
    {
      description: 'ATM Fee',
      original: 'NON-MXBANK ATM FEE',
      category: 'ATM Fee',
      topLevel: 'Fees & Charges',
      type: 'DEBIT',
      amount: [2.5, 3.5],
      flags: { is_fee: true },
    },
    ...SPENDING,
  ],
  SAVINGS: [
    {
      description: 'Transfer from Checking',
      original: 'ONLINE TRANSFER FROM CHK',
      category: 'Transfer',
      topLevel: 'Transfer',
      type: 'CREDIT',
      amount: [50, 500],
    },
    {
      description: 'Interest Earned',
      original: 'INTEREST PAYMENT',
      category: 'Interest Income',
      topLevel: 'Income',
      type: 'CREDIT',
      amount: [1, 40],
    },
    {
      description: 'Transfer to Checking',
      original: 'ONLINE TRANSFER TO CHK',
      category: 'Transfer',
      topLevel: 'Transfer',
      type: 'DEBIT',
      amount: [50, 800],
    },
  ],
  CREDIT_CARD: [
    {
      description: 'Credit Card Payment',
      original: 'PAYMENT THANK YOU',
      category: 'Credit Card Payment',
      topLevel: 'Transfer',
      type: 'CREDIT',
      amount: [100, 1500],
    },
    ...SPENDING,
  ],
  LOAN: [
    {
      description: 'Loan Payment',
      original: 'AUTO LOAN PAYMENT',
      category: 'Auto Payment',
      topLevel: 'Auto & Transport',
      type: 'CREDIT',
      amount: [250, 600],
      flags: { is_recurring: true },
    },
    {
      description: 'Interest Charge',
      original: 'INTEREST CHARGE',
      category: 'Finance Charge',
      topLevel: 'Fees & Charges',
      type: 'DEBIT',
      amount: [20, 120],
      flags: { is_fee: true },
    },
  ],
  MORTGAGE: [
    {
      description: 'Mortgage Payment',
      original: 'MORTGAGE PMT',
      category: 'Mortgage & Rent',
      topLevel: 'Home',
      type: 'CREDIT',
      amount: [1200, 2600],
      flags: { is_recurring: true },
    },
    {
      description: 'Escrow',
      original: 'ESCROW DISBURSEMENT',
      category: 'Home Insurance',
      topLevel: 'Home',
      type: 'DEBIT',
      amount: [100, 400],
    },
  ],
};
