import { Field, ObjectType } from 'type-graphql';
import { BOOK_CURRENCY, formatMinorUnits } from '../modules/common/money';
import { DecimalScalar } from './scalars';

@ObjectType({
  description: 'An amount of money: an exact decimal amount and its ISO 4217 currency code.',
})
export class Money {
  @Field(() => DecimalScalar, {
    description: 'The amount, as an exact decimal string with two decimals, such as "1234.50".',
  })
  amount!: string;

  @Field(() => String, { description: 'The ISO 4217 currency code, such as "USD".' })
  currency!: string;

  static fromMinor(minor: bigint | number | string, currency = BOOK_CURRENCY): Money {
    const money = new Money();
    money.amount = formatMinorUnits(BigInt(minor));
    money.currency = currency;
    return money;
  }
}
