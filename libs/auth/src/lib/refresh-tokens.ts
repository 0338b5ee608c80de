import { UnauthenticatedError } from '@sluice/contracts';
import type { PrismaClient } from '@sluice/database';
import { randomUUID } from 'node:crypto';
import { RefreshTokenReuseError } from './auth-errors';
import { randomSecret, sha256 } from './secret-tokens';

export interface RotatedToken {
  readonly userId: string;
  readonly token: string;
}

/**
 * Opaque refresh tokens that rotate on every use. Only a hash is stored. Presenting a token that
 * was already used means it was stolen (or replayed): every token of its family is revoked.
 */
export class RefreshTokens {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ttlSeconds: number,
  ) {}

  /** A new family, at login. */
  issue(userId: string): Promise<string> {
    return this.create(userId, randomUUID());
  }

  /**
   * Uses a token: marks it used (a conditional update, so two concurrent uses cannot both win)
   * and returns a new token of the same family.
   */
  async rotate(presented: string): Promise<RotatedToken> {
    const row = await this.prisma.refreshToken.findUnique({ where: { tokenHash: sha256(presented) } });
    if (!row || row.revokedAt || row.expiresAt <= new Date()) throw new UnauthenticatedError('refresh token invalid or expired');
    const claimed = await this.prisma.refreshToken.updateMany({ where: { id: row.id, usedAt: null, revokedAt: null }, data: { usedAt: new Date() } });
    if (claimed.count !== 1) {
      await this.revokeFamily(row.familyId);
      throw new RefreshTokenReuseError(row.userId);
    }
    return { userId: row.userId, token: await this.create(row.userId, row.familyId) };
  }

  /** Logout: revokes the family of the presented token; unknown tokens are ignored. */
  async revoke(presented: string): Promise<string | undefined> {
    const row = await this.prisma.refreshToken.findUnique({ where: { tokenHash: sha256(presented) } });
    if (!row) return undefined;
    await this.revokeFamily(row.familyId);
    return row.userId;
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.prisma.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  private async create(userId: string, familyId: string): Promise<string> {
    const token = randomSecret();
    await this.prisma.refreshToken.create({
      data: { userId, familyId, tokenHash: sha256(token), expiresAt: new Date(Date.now() + this.ttlSeconds * 1000) },
    });
    return token;
  }
}
