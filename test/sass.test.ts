import { describe, expect, it } from "vitest";
import { countTensorSass, formatSassCounts } from "../src/cli/sass.js";

// Lines in the shape cuobjdump -sass prints them (opcodes as listed in ../shared/docs/hardware-facts.md).
const SAMPLE = `
        /*0a30*/                   HGMMA.64x256x16.F32.BF16 R24, gdesc[UR4], RZ, !UPT ;
        /*0a40*/                   HGMMA.64x256x16.F32.BF16 R24, gdesc[UR8], R24 ;
        /*0a50*/                   QGMMA.64x256x32.F32.E4M3.E4M3 R24, gdesc[UR4], R24 ;
        /*0b00*/                   UTCHMMA gdesc[UR4], gdesc[UR6], tmem[UR8], tmem[UR10], idesc[UR11], UPT ;
        /*0b10*/                   UTCOMMA.4X gdesc[UR4], gdesc[UR6], tmem[UR8], tmem[UR10], idesc[UR11], UPT ;
        /*0b20*/                   UTCCP.T.S.4x32dp128bit tmem[UR4], gdesc[UR6] ;
        /*0b30*/                   LDTM.x32 R4, tmem[UR4] ;
        /*0b40*/                   HMMA.16816.F32.BF16 R4, R8, R12, R4 ;
`;

describe("tensor-core SASS counts", () => {
  it("counts each opcode with its modifiers and ignores look-alikes (HMMA)", () => {
    expect(countTensorSass(SAMPLE)).toEqual({ HGMMA: 2, QGMMA: 1, UTCHMMA: 1, UTCOMMA: 1, UTCCP: 1, LDTM: 1 });
    expect(formatSassCounts(countTensorSass(SAMPLE))).toBe("HGMMA×2 QGMMA×1 UTCHMMA×1 UTCOMMA×1 UTCCP×1 LDTM×1");
  });

  it("says none when a kernel has no tensor-core instruction", () => {
    expect(formatSassCounts(countTensorSass("        /*0010*/   FFMA R1, R2, R3, R4 ;\n"))).toBe("none");
  });
});
