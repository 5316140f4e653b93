import { describe, expect, it } from 'vitest';
import { documentSearchText, foldVietnamese } from '../../src/domain/documents/search-text.ts';

describe('foldVietnamese', () => {
  it('strips tones and vowel marks, folds đ/Đ to d, lower-cases and collapses spaces', () => {
    expect(foldVietnamese('Quyết định 80/QĐ-SCT')).toBe('quyet dinh 80/qd-sct');
    expect(foldVietnamese('  ĐỀ ÁN   phát triển\tthương mại\n')).toBe('de an phat trien thuong mai');
    expect(foldVietnamese('Hỏa tốc')).toBe('hoa toc');
    expect(foldVietnamese('Ủy ban nhân dân tỉnh Bình Định')).toBe('uy ban nhan dan tinh binh dinh');
  });

  it('folds composed (NFC) and decomposed (NFD) input alike', () => {
    const nfc = 'Tờ trình về việc Quy định'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    expect(foldVietnamese(nfd)).toBe(foldVietnamese(nfc));
    expect(foldVietnamese(nfd)).toBe('to trinh ve viec quy dinh');
  });
});

describe('documentSearchText', () => {
  it('joins type, symbols, summary, issuer and signer, folded, skipping what is missing', () => {
    expect(
      documentSearchText({ typeName: 'Quyết định', symbol: '80/QĐ-SCT', summary: 'Ban hành Quy chế Văn phòng điện tử', issuerName: 'Sở Công Thương', signerName: 'Nguyễn Văn Đức' }),
    ).toBe('quyet dinh 80/qd-sct ban hanh quy che van phong dien tu so cong thuong nguyen van duc');
    expect(documentSearchText({ typeName: 'Công văn', sourceSymbol: '123/UBND-KT', summary: 'Về việc  báo cáo', symbol: null, issuerName: null })).toBe(
      'cong van 123/ubnd-kt ve viec bao cao',
    );
  });
});
