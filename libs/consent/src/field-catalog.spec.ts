import {
  fieldCatalog,
  fieldNames,
  isFieldName,
  isSensitiveField,
  personalFieldNames,
} from './field-catalog';

describe('fieldCatalog', () => {
  it('classifies identifiers, contacts and sensitive fields as personal, business fields not', () => {
    for (const name of fieldNames) {
      const { category, personal } = fieldCatalog[name];
      expect({ name, personal }).toEqual({ name, personal: category !== 'business' });
    }
    expect(personalFieldNames).toEqual([
      'name',
      'phone',
      'email',
      'wechat',
      'address',
      'idNumber',
      'income',
      'followUpNotes',
    ]);
    expect(fieldNames.filter(isSensitiveField)).toEqual(['idNumber', 'income']);
  });

  it('knows only its own field names', () => {
    expect(isFieldName('phone')).toBe(true);
    for (const value of ['constructor', 'toString', 'Phone', '', 3, undefined]) {
      expect(isFieldName(value)).toBe(false);
    }
  });
});
