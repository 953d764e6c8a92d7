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
  markRedriven,
  type RedriveMark,
  readRedriveMarks,
  type StoredDeadLetter,
} from './store';
