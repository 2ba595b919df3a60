import { expect } from 'chai';
import { LiveBlock, type OutputStream } from '../../../src/demo/live-block.js';

/** Collects what the demo writes; a terminal or a pipe depending on isTTY. */
function fakeStream(isTTY: boolean, columns?: number): OutputStream & { text: string } {
  const stream = { text: '', isTTY, columns, write(chunk: string): boolean { stream.text += chunk; return true; } };
  return stream;
}

const ESC = '\x1b';

describe('demo live block', () => {
  describe('on a terminal', () => {
    it('redraws the block in place: up over the lines drawn, erase, draw', () => {
      const out = fakeStream(true, 80);
      const block = new LiveBlock(out);
      block.show('w (1s)', ['desired 3', 'ready 0']);
      block.show('w (2s)', ['desired 3', 'ready 1']);
      expect(out.text).to.equal(`w (1s)\ndesired 3\nready 0\n\r${ESC}[3A${ESC}[Jw (2s)\ndesired 3\nready 1\n`);
    });

    it('keeps printed text: the next block starts under it instead of moving over it', () => {
      const out = fakeStream(true, 80);
      const block = new LiveBlock(out);
      block.show('w (1s)', ['ready 3']);
      block.print('Play on:\n  kubectl get sbc');
      block.show('w (2s)', ['ready 3']);
      block.show('w (3s)', ['ready 3']);
      expect(out.text).to.equal(`w (1s)\nready 3\nPlay on:\n  kubectl get sbc\nw (2s)\nready 3\n\r${ESC}[2A${ESC}[Jw (3s)\nready 3\n`);
    });

    it('cuts lines to the terminal width, so a wrapped line cannot throw the redraw off', () => {
      const out = fakeStream(true, 10);
      new LiveBlock(out).show('header', ['0123456789abcdef']);
      expect(out.text).to.equal('header\n01234567…\n');
    });
  });

  describe('into a pipe', () => {
    it('appends a block only when its body changed, with no cursor movement', () => {
      const out = fakeStream(false);
      const block = new LiveBlock(out);
      block.show('w (1s)', ['ready 0']);
      block.show('w (2s)', ['ready 0']);
      block.show('w (3s)', ['ready 1']);
      block.print('converged');
      expect(out.text).to.equal('\nw (1s)\nready 0\n\nw (3s)\nready 1\nconverged\n');
      expect(out.text).to.not.include(ESC);
    });
  });
});
