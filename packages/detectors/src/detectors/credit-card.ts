import type { DetectorDefinition, MatchInput, Validation } from '../detector.js';
import { cardNetwork, luhnValid } from '../validators/checksums.js';

function validateCard({ value, text, start, end }: MatchInput): Validation | null {
  const isDigit = (ch: string | undefined) => ch !== undefined && ch >= '0' && ch <= '9';
  if ((text[start - 1] === '-' || text[start - 1] === ' ') && isDigit(text[start - 2])) return null;
  if ((text[end] === '-' || text[end] === ' ') && isDigit(text[end + 1])) return null;
  let digits = '';
  for (const ch of value) if (isDigit(ch)) digits += ch;
  if (!luhnValid(digits) || cardNetwork(digits) === undefined) return null;
  return { normalized: digits };
}

export const creditCardDetector: DetectorDefinition = {
  id: 'credit-card',
  name: 'Payment card number',
  description: 'Payment card numbers: 13–19 digits (grouped or not) with a known issuer prefix and a valid Luhn check',
  hipaa: 'account-numbers',
  role: 'identifier',
  version: 1,
  keywords: ['card', 'visa', 'mastercard', 'amex', 'discover', 'credit', 'debit', 'cc'],
  columnHeaders: ['card number', 'credit card', 'cc number', 'card #', 'pan'],
  patterns: [
    { re2: '\\b[2-6][0-9]{3}(?:[ -]?[0-9]{4}){2}[ -]?[0-9]{1,7}\\b', confidence: 'medium', label: 'grouped card number' },
    { re2: '\\b3[47][0-9]{2}[ -]?[0-9]{6}[ -]?[0-9]{5}\\b', confidence: 'medium', label: 'American Express format' },
  ],
  validate: validateCard,
  context: { window: 40, raise: ['card', 'visa', 'mastercard', 'amex', 'discover', 'credit', 'debit', 'payment', 'cc', 'exp'], lower: ['order', 'tracking', 'invoice', 'serial', 'isbn', 'account'] },
  examples: {
    positive: [
      { text: 'Visa 4111 1111 1111 1111 exp 09/27', normalized: '4111111111111111', minConfidence: 'high' },
      { text: 'card: 5500-0000-0000-0004', normalized: '5500000000000004', minConfidence: 'high' },
      { text: 'Amex 3782 822463 10005', normalized: '378282246310005', minConfidence: 'high' },
      { text: 'paid with 6011000990139424', normalized: '6011000990139424', minConfidence: 'medium' },
    ],
    negative: [
      { text: 'Visa 4111 1111 1111 1112' },
      { text: 'Tracking 9400 1000 0000 0000 0000 00' },
      { text: 'ref 1234 5678 9012 3452' },
    ],
  },
};
