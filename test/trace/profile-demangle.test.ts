import { describe, expect, it } from 'vitest';
import { demangle } from '../../src/trace/profile/demangle.js';

describe('Rust demangling', () => {
  describe('v0 (_R)', () => {
    it.each([
      // From the guests' symbol tables (checked against binutils' demangler, crate hashes left out).
      ['_RNvCs4c6nXkyV7lL_16rust_collections4main', 'rust_collections::main'],
      ['_RNvXsZ_NtCsIsTAOHdOJs_5alloc6stringNtB5_6StringNtNtCsfThe5H4HSEN_4core3fmt5Write10write_char', '<alloc::string::String as core::fmt::Write>::write_char'],
      [
        '_RINvMs0_NtNtNtCsIsTAOHdOJs_5alloc11collections5btree6searchINtNtB8_4node7NodeRefNtNtBY_6marker5ImmutmNtNtB8_7set_val9SetValZSTNtB1i_14LeafOrInternalE22find_lower_bound_indexmECs4c6nXkyV7lL_16rust_collections',
        '<alloc::collections::btree::node::NodeRef<alloc::collections::btree::node::marker::Immut, u32, alloc::collections::btree::set_val::SetValZST, alloc::collections::btree::node::marker::LeafOrInternal>>::find_lower_bound_index::<u32>',
      ],
      [
        '_RINvMs1_NtNtCsfThe5H4HSEN_4core3fmt8buildersNtB6_11DebugStruct10field_withNCNvB2_5field0EBa_',
        '<core::fmt::builders::DebugStruct>::field_with::<<core::fmt::builders::DebugStruct>::field::{closure#0}>',
      ],
      ['_RNvXsa_NtCsfThe5H4HSEN_4core5arrayAyj3_NtNtB7_3fmt5Debug3fmtCsfCeiQsrqMcE_12rust_threads', '<[u64; 3] as core::fmt::Debug>::fmt'],
      // RFC 2603's examples: generic args, references, tuples, fn pointers, dyn, punycode.
      ['_RINvNtC3std3mem8align_ofjE', 'std::mem::align_of::<usize>'],
      ['_RINvNtC3std3mem8align_ofINtC3wow3FooRehEE', 'std::mem::align_of::<wow::Foo<&str, u8>>'],
      ['_RNvNvC7mycrate3foo3bar', 'mycrate::foo::bar'],
      ['_RINvC1a1fTmhEE', 'a::f::<(u32, u8)>'],
      ['_RINvC1a1fFUKCmEuE', 'a::f::<unsafe extern "C" fn(u32)>'],
      ['_RINvC1a1fDNtC1a5TraitEL_E', 'a::f::<dyn a::Trait>'],
      ['_RNvC7mycrateu8gdel_5qa', 'mycrate::gödel'],
      ['_RNvC1a1f.llvm.1234', 'a::f.llvm.1234'],
    ])('%s', (mangled, readable) => {
      expect(demangle(mangled)).toBe(readable);
    });
  });

  describe('legacy (_ZN...E)', () => {
    it.each([
      ['_ZN4core3fmt5write17h0123456789abcdefE', 'core::fmt::write'],
      ['_ZN58_$LT$alloc..string..String$u20$as$u20$core..fmt..Write$GT$10write_char17h0123456789abcdefE', '<alloc::string::String as core::fmt::Write>::write_char'],
      ['_ZN3foo3bar3baz', '_ZN3foo3bar3baz'], // no closing E: not a symbol
    ])('%s', (mangled, readable) => {
      expect(demangle(mangled)).toBe(readable);
    });
  });

  it.each(['main', 'sha256_block', '_R', '_RNv', '_RB_', '_RNvC1a1', '_RINvC1a1fEEEE', '_ZN', '_Z3foov'])('should leave %s as it is (C and C++ names, malformed symbols)', (name) => {
    expect(demangle(name)).toBe(name);
  });
  it('should leave a hostile symbol (5000 nested generic paths) as it is, without overflowing the stack', () => {
    const name = '_R' + 'I'.repeat(5000);
    expect(demangle(name)).toBe(name);
    const backrefs = '_RNvC1a1f' + 'B_'.repeat(100);
    expect(demangle(backrefs)).toBe(backrefs);
  });
  it('should keep the suffix of a legacy name after its closing E', () => {
    expect(demangle('_ZN4core3fmt5write17h0123456789abcdefE.llvm.42')).toBe('core::fmt::write.llvm.42');
  });
});
