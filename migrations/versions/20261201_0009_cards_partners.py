"""cards and partners: the ambassador's card and its photo, partners, their accounts, offers and uses (issue 11)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 04:00:00

"""
from alembic import op
import sqlalchemy as sa

import learnapp.db


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('card_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('mime_type', sa.String(length=50), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_card_photo_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_photo'))
    )
    op.create_index(op.f('ix_card_photo_user_id'), 'card_photo', ['user_id'], unique=False)

    op.create_table('ambassador_card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=10), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('active_user_id', sa.Integer(), nullable=True),
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=170), nullable=False),
    sa.Column('level_code', sa.String(length=60), nullable=True),
    sa.Column('level_label', sa.String(length=120), nullable=False),
    sa.Column('reason', sa.String(length=12), nullable=False),
    sa.Column('issued_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('valid_until', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('replaced_at', learnapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['active_user_id'], ['user_account.id'], name=op.f('fk_ambassador_card_active_user_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['photo_id'], ['card_photo.id'], name=op.f('fk_ambassador_card_photo_id_card_photo'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_ambassador_card_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ambassador_card')),
    sa.UniqueConstraint('active_user_id', name='uq_ambassador_card_one_active'),
    sa.UniqueConstraint('number', name=op.f('uq_ambassador_card_number'))
    )
    op.create_index(op.f('ix_ambassador_card_photo_id'), 'ambassador_card', ['photo_id'], unique=False)
    op.create_index(op.f('ix_ambassador_card_user_id'), 'ambassador_card', ['user_id'], unique=False)

    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('town', sa.String(length=120), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner')),
    sa.UniqueConstraint('name', name=op.f('uq_partner_name'))
    )
    op.create_index(op.f('ix_partner_active'), 'partner', ['active'], unique=False)

    op.create_table('partner_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_partner_member_partner_id_partner'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_partner_member_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_member')),
    sa.UniqueConstraint('user_id', name=op.f('uq_partner_member_user_id'))
    )
    op.create_index(op.f('ix_partner_member_partner_id'), 'partner_member', ['partner_id'], unique=False)

    op.create_table('partner_offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('min_level_rank', sa.Integer(), nullable=False),
    sa.Column('age_groups', sa.JSON(), nullable=False),
    sa.Column('frequency', sa.String(length=10), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_partner_offer_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_offer'))
    )
    op.create_index(op.f('ix_partner_offer_active'), 'partner_offer', ['active'], unique=False)
    op.create_index(op.f('ix_partner_offer_partner_id'), 'partner_offer', ['partner_id'], unique=False)

    op.create_table('offer_use',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('used_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('period_key', sa.String(length=16), nullable=True),
    sa.Column('submission_key', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['card_id'], ['ambassador_card.id'], name=op.f('fk_offer_use_card_id_ambassador_card'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['partner_offer.id'], name=op.f('fk_offer_use_offer_id_partner_offer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_offer_use_partner_id_partner'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_offer_use_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_offer_use_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_use')),
    sa.UniqueConstraint('user_id', 'offer_id', 'period_key', name='uq_offer_use_once_per_period'),
    sa.UniqueConstraint('submission_key', name=op.f('uq_offer_use_submission_key'))
    )
    op.create_index(op.f('ix_offer_use_card_id'), 'offer_use', ['card_id'], unique=False)
    op.create_index(op.f('ix_offer_use_offer_id'), 'offer_use', ['offer_id'], unique=False)
    op.create_index(op.f('ix_offer_use_recorded_by_id'), 'offer_use', ['recorded_by_id'], unique=False)
    op.create_index('ix_offer_use_partner_month', 'offer_use', ['partner_id', 'month'], unique=False)
    op.create_index('ix_offer_use_user_used_at', 'offer_use', ['user_id', 'used_at'], unique=False)


def downgrade():
    op.drop_table('offer_use')
    op.drop_table('partner_offer')
    op.drop_table('partner_member')
    op.drop_table('partner')
    op.drop_table('ambassador_card')
    op.drop_table('card_photo')
