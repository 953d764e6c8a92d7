export {
  RangeGoneError,
  type RedriveOptions,
  type RedriveResult,
  readRange,
  redriveDeadLetter,
} from './redrive';
export {
  DeadLetterNotFoundError,
  deadLetterIdOf,
  findDeadLetter,
  listDeadLetters,
  type RedriveMark,
  type StoredDeadLetter,
} from './store';
